/* Build-time tool: embed the built web UI in the binary.
 *
 *   web_embed OUT.c DIST_DIR GZ_DIR
 *
 * Walks DIST_DIR, gzips each file (zlib, level 9, no timestamp) into GZ_DIR when that makes it
 * smaller, and writes OUT.c: one `.incbin` per blob (the assembler copies the bytes, so a few
 * MB cost no C parsing) and the table `static_assets` (src/http/static.h), sorted by path,
 * with an ETag per representation. A missing DIST_DIR gives an empty table. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

struct file {
	char *rel; /* "/assets/x.js" */
	char *abs;
	unsigned char *raw;
	size_t raw_len;
	unsigned char *gz;
	size_t gz_len;
	uint64_t hash;
};

static struct file *files;
static size_t nfiles, capfiles;

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "web_embed: %s %s: %s\n", what, arg, errno ? strerror(errno) : "");
	exit(1);
}

static void *xalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory", "");
	return p;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = xalloc(la + lb + 2);
	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot open", path);
	size_t cap = 65536, n = 0;
	unsigned char *b = xalloc(cap);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			unsigned char *nb = realloc(b, cap);
			if (!nb)
				die("out of memory", path);
			b = nb;
		}
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f))
		die("cannot read", path);
	fclose(f);
	*len = n;
	return b;
}

/* FNV-1a, 64 bits: a validator, not a security boundary. */
static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void gzip_file(struct file *f)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	/* 15 + 16: gzip wrapper; zlib writes mtime 0, so the output is reproducible. */
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed for", f->rel);
	size_t cap = deflateBound(&z, (uLong)f->raw_len) + 64;
	f->gz = xalloc(cap);
	z.next_in = f->raw;
	z.avail_in = (uInt)f->raw_len;
	z.next_out = f->gz;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		die("deflate failed for", f->rel);
	f->gz_len = cap - z.avail_out;
	deflateEnd(&z);
	/* Not worth a Content-Encoding unless it saves something (images, fonts). */
	if (f->gz_len + 64 >= f->raw_len) {
		free(f->gz);
		f->gz = NULL;
		f->gz_len = 0;
	}
}

static void walk(const char *abs, const char *rel)
{
	DIR *d = opendir(abs);
	if (!d)
		die("cannot open directory", abs);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* ., .., and hidden files */
		char *a = join(abs, e->d_name);
		char *r = join(rel, e->d_name);
		struct stat st;
		if (stat(a, &st) != 0)
			die("cannot stat", a);
		if (S_ISDIR(st.st_mode)) {
			walk(a, r);
			free(a);
			free(r);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			free(a);
			free(r);
			continue;
		}
		if (nfiles == capfiles) {
			capfiles = capfiles ? capfiles * 2 : 64;
			struct file *nf = realloc(files, capfiles * sizeof *files);
			if (!nf)
				die("out of memory", "");
			files = nf;
		}
		struct file *f = &files[nfiles++];
		memset(f, 0, sizeof *f);
		f->abs = a;
		f->rel = r;
		f->raw = read_all(a, &f->raw_len);
		f->hash = fnv1a(f->raw, f->raw_len);
		gzip_file(f);
	}
	closedir(d);
}

static int by_rel(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->rel, ((const struct file *)b)->rel);
}

/* A path as a C/assembler string literal body. */
static void put_quoted(FILE *o, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(o, "\\\\\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(o, "\\\\%03o", c);
		else
			fputc(c, o);
	}
}

static void put_c_string(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(o, "\\%03o", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

static void put_blob(FILE *o, const char *sym, const char *path)
{
	fprintf(o,
	        "__asm__(\".section .rodata\\n\"\n"
	        "        \".balign 16\\n\"\n"
	        "        \".local %s\\n\"\n"
	        "        \".type %s, @object\\n\"\n"
	        "        \"%s:\\n\"\n"
	        "        \".incbin \\\"",
	        sym, sym, sym);
	put_quoted(o, path);
	fprintf(o,
	        "\\\"\\n\"\n"
	        "        \".size %s, .-%s\\n\"\n"
	        "        \".previous\\n\");\n"
	        "extern const unsigned char %s[];\n",
	        sym, sym, sym);
}

static void write_file(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		die("cannot write", path);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: web_embed OUT.c DIST_DIR GZ_DIR\n");
		return 2;
	}
	const char *out = argv[1], *dist = argv[2], *gzdir = argv[3];
	struct stat st;
	if (stat(dist, &st) == 0 && S_ISDIR(st.st_mode))
		walk(dist, "");
	if (nfiles)
		qsort(files, nfiles, sizeof *files, by_rel);
	if (mkdir(gzdir, 0755) != 0 && errno != EEXIST)
		die("cannot create", gzdir);

	size_t tlen = strlen(out) + 8;
	char *tmp = xalloc(tlen);
	snprintf(tmp, tlen, "%s.tmp", out);
	FILE *o = fopen(tmp, "w");
	if (!o)
		die("cannot write", tmp);
	fprintf(o, "/* generated by cmake/web_embed.c from the web build: do not edit */\n"
	           "#include \"http/static.h\"\n\n");
	size_t total_raw = 0, total_gz = 0;
	for (size_t i = 0; i < nfiles; i++) {
		struct file *f = &files[i];
		char sym[64];
		if (f->raw_len > 0) {
			snprintf(sym, sizeof sym, "xf_web_raw_%zu", i);
			put_blob(o, sym, f->abs);
		}
		if (f->gz) {
			char gzpath[4096];
			snprintf(gzpath, sizeof gzpath, "%s/%zu.gz", gzdir, i);
			write_file(gzpath, f->gz, f->gz_len);
			snprintf(sym, sizeof sym, "xf_web_gz_%zu", i);
			put_blob(o, sym, gzpath);
		}
		total_raw += f->raw_len;
		total_gz += f->gz ? f->gz_len : f->raw_len;
	}
	fprintf(o, "\nconst struct static_asset static_assets[] = {\n");
	for (size_t i = 0; i < nfiles; i++) {
		struct file *f = &files[i];
		fprintf(o, "    {");
		put_c_string(o, f->rel);
		fprintf(o, ", \"\\\"%016llx\\\"\", \"\\\"%016llx-gz\\\"\", ",
		        (unsigned long long)f->hash, (unsigned long long)f->hash);
		if (f->raw_len > 0)
			fprintf(o, "xf_web_raw_%zu, %zu, ", i, f->raw_len);
		else
			fprintf(o, "(const unsigned char *)\"\", 0, ");
		if (f->gz)
			fprintf(o, "xf_web_gz_%zu, %zu},\n", i, f->gz_len);
		else
			fprintf(o, "0, 0},\n");
	}
	if (nfiles == 0)
		fprintf(o, "    {0, 0, 0, 0, 0, 0, 0},\n");
	fprintf(o, "};\nconst size_t static_nassets = %zu;\n", nfiles);
	if (fclose(o) != 0)
		die("cannot write", tmp);
	if (rename(tmp, out) != 0)
		die("cannot rename to", out);
	printf("web_embed: %zu files, %zu bytes, %zu as served with gzip\n", nfiles, total_raw,
	       total_gz);
	for (size_t i = 0; i < nfiles; i++) {
		free(files[i].rel);
		free(files[i].abs);
		free(files[i].raw);
		free(files[i].gz);
	}
	free(files);
	free(tmp);
	return 0;
}
