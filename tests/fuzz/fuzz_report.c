/*
 * libFuzzer target: cert-report's page from any records.  Every input
 * renders (no crash, no overread); the page ends with </html>; no '<'
 * from the records reaches it unescaped: the number of tag starts of the
 * page does not depend on the text of the records, so a page whose
 * "<script" count is not 0 is a finding.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_record.h"
#include "ck_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_report_opts o = { .title = "fuzz", .now = 1780272000 };
	struct ck_report *rep;
	struct ck_reader *r;
	struct ck_err err;
	FILE *in, *out;
	char *page = NULL;
	size_t len = 0;
	json_t *rec;

	if (size == 0 || (in = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	rep = ck_report_new(&o);
	r = ck_reader_new(in, "fuzz");
	if (rep == NULL || r == NULL)
		abort();
	while (ck_reader_next(r, &rec, &err) > 0) {
		if (ck_report_add(rep, rec, &err) != 0)
			abort();
		json_decref(rec);
	}
	ck_reader_free(r);
	fclose(in);
	if ((out = open_memstream(&page, &len)) == NULL)
		abort();
	if (ck_report_write(rep, out, &err) != 0)
		abort();
	fclose(out);
	if (len < 8 || strcmp(page + len - 8, "</html>\n") != 0)
		abort();
	if (strstr(page, "<script") != NULL || strstr(page, "<img") != NULL)
		abort();	/* a tag from a record's text */
	(void)ck_report_status(rep);
	free(page);
	ck_report_free(rep);
	return 0;
}
