#!/usr/bin/python3
"""Writes a PEM bundle of N distinct, realistic leaf certificates for benchmarks.

usage: mkbundle.py OUT.pem N [--files DIR K] [--flawed K]
  --files DIR K: also write the first K certificates one per file in DIR.
  --flawed K: every K-th certificate lacks SAN and AKI (findings for linters).
Certificates: EC P-256 keys (one key, N certificates), SAN, EKU, key usage,
key identifiers, AIA and CDP, like the leaves an issuing CA hands out.
Uses python3-cryptography (Debian package), so the bundle is made in seconds.
"""
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

out, n = sys.argv[1], int(sys.argv[2])
files, k, flawed = None, 0, 0
args = sys.argv[3:]
while args:
    if args[0] == "--files":
        files, k, args = args[1], int(args[2]), args[3:]
    elif args[0] == "--flawed":
        flawed, args = int(args[1]), args[2:]
    else:
        sys.exit("mkbundle.py: unknown argument %r" % args[0])
key = ec.generate_private_key(ec.SECP256R1())
ca = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bench Corp"),
                x509.NameAttribute(NameOID.COMMON_NAME, "Bench Issuing CA")])
t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)
with open(out, "wb") as fp:
    for i in range(n):
        host = "host%05d.bench.example" % i
        b = (x509.CertificateBuilder()
             .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bench Corp"),
                                      x509.NameAttribute(NameOID.COMMON_NAME, host)]))
             .issuer_name(ca).public_key(key.public_key()).serial_number(0x1000 + i * 7919)
             .not_valid_before(t0)
             .not_valid_after(t0 + datetime.timedelta(days=30 + i % 700, seconds=i))
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True)
             .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
             .add_extension(ski, critical=False)
             .add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                 x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
                 x509.UniformResourceIdentifier("http://pki.bench.example/ca.crt"))]), critical=False)
             .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                 [x509.UniformResourceIdentifier("http://pki.bench.example/ca.crl")], None, None, None)]),
                 critical=False))
        if not flawed or i % flawed:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            b = b.add_extension(aki, critical=False)
        pem = b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
        fp.write(pem)
        if files and i < k:
            with open(os.path.join(files, "%05d.pem" % i), "wb") as f:
                f.write(pem)
