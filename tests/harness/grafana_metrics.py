#!/usr/bin/env python3
"""The Prometheus metric and label names a Grafana dashboard queries.

Reads a dashboard JSON and prints one line per name, sorted:
    metric NAME      a series selector in some PromQL expression
    label NAME       a label in a matcher {..}, a by/without/on/ignoring
                     clause, label_values(), or a {{legend}} template
Expressions are taken from every "expr", "query" and "definition" string
(panel targets and template variables).  Used by tests/e2e/grafana.bats."""
import json
import re
import sys

KEYWORDS = {'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool',
            'offset', 'and', 'or', 'unless', 'inf', 'nan'}
GROUPING = re.compile(r'\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)')
IDENT = re.compile(r'[A-Za-z_:][A-Za-z0-9_:]*')


def strings(node, keys):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in keys and isinstance(v, str):
                yield k, v
            else:
                yield from strings(v, keys)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v, keys)


def names(expr, metrics, labels):
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)          # string literals
    expr = re.sub(r'\$\{?[A-Za-z_]+\}?', '0', expr)            # dashboard variables
    for m in re.finditer(r'\{([^}]*)\}', expr):                 # matchers
        for part in m.group(1).split(','):
            if part.strip():
                labels.add(IDENT.match(part.strip()).group(0))
    expr = re.sub(r'\{[^}]*\}', '', expr)
    for m in GROUPING.finditer(expr):
        labels.update(IDENT.findall(m.group(2)))
    expr = GROUPING.sub(r'\1', expr)
    lv = re.match(r'\s*label_values\(\s*(?:([A-Za-z_:][A-Za-z0-9_:]*)\s*,)?\s*([A-Za-z_]+)\s*\)', expr)
    if lv:
        if lv.group(1):
            metrics.add(lv.group(1))
        labels.add(lv.group(2))
        return
    expr = re.sub(r'\b\d+(\.\d+)?([smhdwy]|ms)?\b', ' ', expr)  # numbers, durations
    for m in IDENT.finditer(expr):
        word, rest = m.group(0), expr[m.end():].lstrip()
        if (rest.startswith('(') or re.match(r'(by|without)\b', rest)
                or word.lower() in KEYWORDS):
            continue                                            # a function or keyword
        metrics.add(word)


def main():
    dash = json.load(open(sys.argv[1]))
    metrics, labels = set(), set()
    for _, s in strings(dash, {'expr', 'query', 'definition'}):
        names(s, metrics, labels)
    for _, s in strings(dash, {'legendFormat'}):
        labels.update(re.findall(r'\{\{\s*([A-Za-z_]+)\s*\}\}', s))
    for m in sorted(metrics):
        print('metric', m)
    for lab in sorted(labels):
        print('label', lab)


main()
