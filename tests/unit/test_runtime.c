// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/conflist.c, lib/runtime.c and lib/runtime_cache.c. No privileges: the
 * config, plugin and cache directories live in a temporary directory, and the plugins are
 * fake ones, small shell scripts that record their stdin and CNI_* environment and print a
 * canned result or error.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "base64.h"
#include "runtime.h"

struct fx {
	char tmp[64];
	char conf[96], bin[96], cache[96], rec[96];
	struct cnet_rt rt;
};

/* ---- helpers ------------------------------------------------------------------------------ */

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		fail_msg("open %s: %s", path, strerror(errno));
	size_t len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len)
		fail_msg("write %s", path);
	close(fd);
}

static void write_in(const char *dir, const char *name, const char *text)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_file(path, text, 0644);
}

/* The file's text, or NULL when it does not exist. Free it. */
static char *read_in(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = calloc(1, 1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool exists_in(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/*
 * A fake plugin: VERSION prints the versions in rec/<name>.versions (default 0.3.1..1.1.0)
 * and logs to rec/version.log; any other command appends "<name> <CMD>" to rec/order, saves
 * its stdin and CNI_* environment in rec/<name>.<CMD>.{stdin,env}, then prints
 * rec/<name>.fail.<CMD> and exits 1 when that file exists, else on ADD rec/<name>.result or
 * {"cniVersion":"1.1.0","interfaces":[{"name":"<name>"}]}.
 */
static void fake(struct fx *f, const char *name)
{
	char path[1024], script[2048];
	snprintf(path, sizeof(path), "%s/%s", f->bin, name);
	snprintf(script, sizeof(script),
		 "#!/bin/sh\n"
		 "D='%s'; N='%s'\n"
		 "if [ \"$CNI_COMMAND\" = VERSION ]; then\n"
		 "  echo \"$N\" >>\"$D/version.log\"\n"
		 "  v='\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"'\n"
		 "  [ -f \"$D/$N.versions\" ] && v=$(cat \"$D/$N.versions\")\n"
		 "  printf '{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[%%s]}' \"$v\"\n"
		 "  exit 0\n"
		 "fi\n"
		 "echo \"$N $CNI_COMMAND\" >>\"$D/order\"\n"
		 "cat >\"$D/$N.$CNI_COMMAND.stdin\"\n"
		 "env | grep '^CNI_' | sort >\"$D/$N.$CNI_COMMAND.env\"\n"
		 "if [ -f \"$D/$N.fail.$CNI_COMMAND\" ]; then cat \"$D/$N.fail.$CNI_COMMAND\"; exit 1; fi\n"
		 "if [ \"$CNI_COMMAND\" = ADD ]; then\n"
		 "  if [ -f \"$D/$N.result\" ]; then cat \"$D/$N.result\"; else\n"
		 "  printf '{\"cniVersion\":\"1.1.0\",\"interfaces\":[{\"name\":\"%%s\"}]}' \"$N\"; fi\n"
		 "fi\n"
		 "exit 0\n",
		 f->rec, name);
	/* a new file each time (temp + rename: a new inode), as a package upgrade does, so the
	 * runtime's cache of VERSION answers (keyed by the binary's identity) asks it again */
	char tmp[1100];
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	write_file(tmp, script, 0755);
	assert_int_equal(rename(tmp, path), 0);
}

static void reset_rec(struct fx *f)
{
	rm_tree(f->rec);
	assert_int_equal(mkdir(f->rec, 0700), 0);
}

/* rec/<name> as JSON; the test fails when it is missing or not JSON. */
static json_t *rec_json(struct fx *f, const char *name)
{
	char *text = read_in(f->rec, name);
	if (!text)
		fail_msg("%s was not written", name);
	json_t *o = load(text);
	free(text);
	return o;
}

static void assert_rec_json(struct fx *f, const char *name, const char *expected)
{
	json_t *got = rec_json(f, name);
	json_t *want = load(expected);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
		char *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
		fail_msg("%s:\n got  %s\n want %s", name, g, w);
	}
	json_decref(got);
	json_decref(want);
}

static void assert_rec_text(struct fx *f, const char *name, const char *expected)
{
	char *got = read_in(f->rec, name);
	if (!got)
		fail_msg("%s was not written", name);
	assert_string_equal(got, expected);
	free(got);
}

static const char net1[] =
	"{\"cniVersion\": \"1.1.0\", \"name\": \"net1\", \"plugins\": ["
	" {\"type\": \"bridge\", \"bridge\": \"br0\","
	"  \"capabilities\": {\"mac\": true, \"portMappings\": false}},"
	" {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}},"
	" {\"type\": \"tuning\"}]}";

static struct cnet_conflist *conflist(struct fx *f, const char *file, const char *text)
{
	char path[1024];
	struct cnet_conflist *cl = NULL;
	struct cnet_err err = { 0 };
	write_in(f->conf, file, text);
	snprintf(path, sizeof(path), "%s/%s", f->conf, file);
	if (cnet_conflist_load(path, &cl, &err) < 0)
		fail_msg("load %s: %s", file, err.msg);
	return cl;
}

static const char caps_json[] =
	"{\"portMappings\": [{\"hostPort\": 8080, \"containerPort\": 80, \"protocol\": \"tcp\"}],"
	" \"mac\": \"c2:11:22:33:44:55\", \"ips\": [\"10.1.0.5/24\"]}";

/* An attachment of container id with interface eth0 in the fake namespace tmp/<ns>. */
struct att {
	char netns[128];
	struct cnet_attachment a;
};

static void att_init(struct fx *f, struct att *t, const char *id, const char *ns, json_t *caps)
{
	snprintf(t->netns, sizeof(t->netns), "%s/%s", f->tmp, ns);
	write_file(t->netns, "", 0644);
	t->a = (struct cnet_attachment){ .container_id = id, .netns = t->netns, .ifname = "eth0",
					 .cni_args = "IgnoreUnknown=1;K8S_POD_NAME=p",
					 .capability_args = caps };
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/cnet-unit-XXXXXX");
	if (!mkdtemp(f->tmp)) {
		free(f);
		return -1;
	}
	snprintf(f->conf, sizeof(f->conf), "%s/net.d", f->tmp);
	snprintf(f->bin, sizeof(f->bin), "%s/bin", f->tmp);
	snprintf(f->cache, sizeof(f->cache), "%s/cache", f->tmp);
	snprintf(f->rec, sizeof(f->rec), "%s/rec", f->tmp);
	if (mkdir(f->conf, 0755) || mkdir(f->bin, 0755) || mkdir(f->rec, 0755))
		return -1;
	f->rt = (struct cnet_rt){ .config_dir = f->conf, .plugin_path = f->bin,
				  .cache_dir = f->cache };
	fake(f, "bridge");
	fake(f, "portmap");
	fake(f, "tuning");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int r = rm_tree(f->tmp);
	free(f);
	return r;
}

/* ---- rt_init, conflist parsing -------------------------------------------------------------- */

static void test_rt_init(void **state)
{
	(void)state;
	struct cnet_rt rt;
	unsetenv("CNET_CONFIG_DIR");
	unsetenv("CNI_PATH");
	setenv("CNET_CACHE_DIR", "", 1);
	cnet_rt_init(&rt);
	assert_string_equal(rt.config_dir, "/etc/cni/net.d");
	assert_string_equal(rt.plugin_path, "/opt/cni/bin");
	assert_string_equal(rt.cache_dir, "/var/lib/cni");
	setenv("CNET_CONFIG_DIR", "/c", 1);
	setenv("CNI_PATH", "/a:/b", 1);
	setenv("CNET_CACHE_DIR", "/v", 1);
	cnet_rt_init(&rt);
	assert_string_equal(rt.config_dir, "/c");
	assert_string_equal(rt.plugin_path, "/a:/b");
	assert_string_equal(rt.cache_dir, "/v");
	unsetenv("CNET_CONFIG_DIR");
	unsetenv("CNI_PATH");
	unsetenv("CNET_CACHE_DIR");
}

static void test_parse(void **state)
{
	(void)state;
	const char *text = "{\"cniVersion\": \"0.4.0\", \"cniVersions\": [\"1.0.0\", \"2.0.0\"],"
			   " \"name\": \"podman\", \"disableCheck\": \"TRUE\", \"disableGC\": true,"
			   " \"plugins\": [{\"type\": \"bridge\"}], \"x-other\": 1}";
	struct cnet_conflist *cl = NULL;
	struct cnet_err err = { 0 };
	assert_int_equal(cnet_conflist_parse(text, strlen(text), NULL, &cl, &err), 0);
	assert_null(cl->path);
	assert_string_equal(cl->name, "podman");
	assert_string_equal(cl->version, "1.0.0");   /* 2.0.0 is beyond what the runtime speaks */
	assert_true(cl->disable_check);
	assert_true(cl->disable_gc);
	assert_int_equal(cl->len, strlen(text));
	assert_string_equal(cl->bytes, text);
	assert_int_equal(json_integer_value(json_object_get(cl->json, "x-other")), 1);
	cnet_conflist_free(cl);

	text = "{\"cniVersion\": \"0.3.1\", \"name\": \"n\", \"disableCheck\": false,"
	       " \"plugins\": [{\"type\": \"bridge\"}]}";
	assert_int_equal(cnet_conflist_parse(text, strlen(text), "/x.conflist", &cl, &err), 0);
	assert_string_equal(cl->path, "/x.conflist");
	assert_string_equal(cl->version, "0.3.1");
	assert_false(cl->disable_check);
	assert_false(cl->disable_gc);
	cnet_conflist_free(cl);

	text = "{\"cniVersions\": [\"3.0.0\"], \"name\": \"n\", \"plugins\": [{\"type\": \"b\"}]}";
	assert_int_equal(cnet_conflist_parse(text, strlen(text), NULL, &cl, &err), 0);
	assert_string_equal(cl->version, "3.0.0");   /* nothing older: the highest written */
	cnet_conflist_free(cl);
}

static void test_parse_errors(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		int code;
		const char *msg;
	} cases[] = {
		{ "[1]", 6, "f.conflist: decode config: expected a JSON object, got array" },
		{ "{\"cniVersion\": \"1.0.0\", \"plugins\": [{\"type\": \"b\"}]}", 7,
		  "f.conflist: name: missing required key" },
		{ "{\"name\": 5}", 7, "f.conflist: name: expected a string, got integer" },
		{ "{\"name\": \"a/b\"}", 7,
		  "f.conflist: name: \"a/b\" is not a valid network name: it must match "
		  "[a-zA-Z0-9][a-zA-Z0-9_.-]*" },
		{ "{\"name\": \"n\", \"plugins\": [{\"type\": \"b\"}]}", 7,
		  "f.conflist: cniVersion: missing required key" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.x\"}", 7,
		  "f.conflist: cniVersion: \"1.x\" is not a version (expected N.N.N)" },
		{ "{\"name\": \"n\", \"cniVersions\": [\"1.0.0\", 1]}", 7,
		  "f.conflist: cniVersions[1]: expected a string, got integer" },
		{ "{\"name\": \"n\", \"cniVersions\": [\"1.0\"]}", 7,
		  "f.conflist: cniVersions[0]: \"1.0\" is not a version (expected N.N.N)" },
		{ "{\"name\": \"n\", \"cniVersions\": \"1.0.0\"}", 7,
		  "f.conflist: cniVersions: expected an array, got string" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"disableCheck\": \"maybe\"}", 7,
		  "f.conflist: disableCheck: expected true or false, got \"maybe\"" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"disableGC\": 1}", 7,
		  "f.conflist: disableGC: expected a boolean, got integer" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.0.0\"}", 7,
		  "f.conflist: plugins: missing required key" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": []}", 7,
		  "f.conflist: plugins: the list is empty" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": {}}", 7,
		  "f.conflist: plugins: expected an array, got object" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": [{\"type\": \"b\"}, 1]}",
		  7, "f.conflist: plugins[1]: expected an object, got integer" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": [{\"ipam\": {}}]}", 7,
		  "f.conflist: plugins[0].type: missing required key" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": [{\"type\": \"../x\"}]}",
		  7, "f.conflist: plugins[0].type: \"../x\" is not a plugin name" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": [{\"type\": \"\"}]}", 7,
		  "f.conflist: plugins[0].type: \"\" is not a plugin name" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": [{\"type\": \"b\","
		  " \"capabilities\": []}]}",
		  7, "f.conflist: plugins[0].capabilities: expected an object, got array" },
		{ "{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": [{\"type\": \"b\","
		  " \"capabilities\": {\"portMappings\": \"yes\"}}]}",
		  7, "f.conflist: plugins[0].capabilities.portMappings: expected a boolean, got string" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cnet_conflist *cl = NULL;
		struct cnet_err err = { 0 };
		int r = cnet_conflist_parse(cases[i].json, strlen(cases[i].json), "f.conflist", &cl,
					    &err);
		if (r >= 0)
			fail_msg("parsed: %s", cases[i].json);
		assert_null(cl);
		assert_int_equal(err.code, cases[i].code);
		assert_string_equal(err.msg, cases[i].msg);
	}

	/* Without a path the message is the key's alone; bad JSON says where. */
	struct cnet_conflist *cl = NULL;
	struct cnet_err err = { 0 };
	const char *text = "{\"name\": \"n\",}";
	assert_int_equal(cnet_conflist_parse(text, strlen(text), NULL, &cl, &err), -EINVAL);
	assert_int_equal(err.code, 6);
	assert_non_null(strstr(err.msg, "decode config: "));
	assert_non_null(strstr(err.msg, "(line 1, column "));
	text = "{\"name\": \"n\", \"name\": \"m\"}";
	assert_int_equal(cnet_conflist_parse(text, strlen(text), NULL, &cl, &err), -EINVAL);
	assert_int_equal(err.code, 6);
	assert_non_null(strstr(err.msg, "duplicate object key"));
}

static void test_load(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = NULL;
	struct cnet_err err = { 0 };
	char path[1024];
	snprintf(path, sizeof(path), "%s/missing.conflist", f->conf);
	assert_int_equal(cnet_conflist_load(path, &cl, &err), -ENOENT);
	assert_int_equal(err.code, 5);
	char want[2048];
	snprintf(want, sizeof(want), "read %s: No such file or directory", path);
	assert_string_equal(err.msg, want);

	/* A single plugin's .conf becomes a one-plugin list, bytes as libcni marshals them. */
	write_in(f->conf, "one.conf",
		 "{\"cniVersion\": \"0.4.0\", \"name\": \"one\", \"type\": \"bridge\", \"mtu\": 1400}");
	snprintf(path, sizeof(path), "%s/one.conf", f->conf);
	assert_int_equal(cnet_conflist_load(path, &cl, &err), 0);
	assert_string_equal(cl->name, "one");
	assert_string_equal(cl->version, "0.4.0");
	assert_string_equal(cl->path, path);
	assert_string_equal(cl->bytes,
			    "{\"cniVersion\":\"0.4.0\",\"name\":\"one\",\"plugins\":[{\"cniVersion\":"
			    "\"0.4.0\",\"mtu\":1400,\"name\":\"one\",\"type\":\"bridge\"}]}");
	assert_int_equal(cl->len, strlen(cl->bytes));
	cnet_conflist_free(cl);

	/* A .conf without a type is not a plugin config. */
	write_in(f->conf, "bad.conf", "{\"cniVersion\": \"0.4.0\", \"name\": \"bad\"}");
	snprintf(path, sizeof(path), "%s/bad.conf", f->conf);
	assert_int_equal(cnet_conflist_load(path, &cl, &err), -EINVAL);
	assert_int_equal(err.code, 7);
	snprintf(want, sizeof(want), "%s: type: missing required key", path);
	assert_string_equal(err.msg, want);

	/* A .conflist is never wrapped. */
	write_in(f->conf, "single.conflist",
		 "{\"cniVersion\": \"0.4.0\", \"name\": \"s\", \"type\": \"bridge\"}");
	snprintf(path, sizeof(path), "%s/single.conflist", f->conf);
	assert_int_equal(cnet_conflist_load(path, &cl, &err), -EINVAL);
	snprintf(want, sizeof(want), "%s: plugins: missing required key", path);
	assert_string_equal(err.msg, want);
}

/* ---- conflist_each, conflist_find ------------------------------------------------------------ */

struct seen {
	char names[512];
	int stop_at;
	int calls;
};

static int collect(const struct cnet_conflist *cl, void *arg)
{
	struct seen *s = arg;
	const char *slash = strrchr(cl->path, '/');
	size_t n = strlen(s->names);
	snprintf(s->names + n, sizeof(s->names) - n, "%s%s=%s", n ? " " : "", slash + 1, cl->name);
	return ++s->calls == s->stop_at ? 42 : 0;
}

static void test_each(void **state)
{
	struct fx *f = *state;
	struct cnet_err err = { 0 };
	write_in(f->conf, "20-b.conflist",
		 "{\"cniVersion\": \"1.0.0\", \"name\": \"b\", \"plugins\": [{\"type\": \"x\"}]}");
	write_in(f->conf, "10-a.conf", "{\"cniVersion\": \"0.4.0\", \"name\": \"a\", \"type\": \"x\"}");
	write_in(f->conf, "30-c.json", "{\"cniVersion\": \"0.4.0\", \"name\": \"c\", \"type\": \"x\"}");
	write_in(f->conf, "15-broken.conflist", "{\"name\": ");
	write_in(f->conf, "05-notes.txt", "{}");
	write_in(f->conf, "99-Z.conflist",
		 "{\"cniVersion\": \"1.0.0\", \"name\": \"z\", \"plugins\": [{\"type\": \"x\"}]}");
	write_in(f->conf, "100-first.conflist",   /* byte order: "10-" < "100" < "15" */
		 "{\"cniVersion\": \"1.0.0\", \"name\": \"f\", \"plugins\": [{\"type\": \"x\"}]}");
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/40-dir.conflist", f->conf);
	assert_int_equal(mkdir(dir, 0755), 0);

	struct seen s = { .stop_at = -1 };
	assert_int_equal(cnet_conflist_each(&f->rt, collect, &s, &err), 0);
	assert_string_equal(s.names,
			    "10-a.conf=a 100-first.conflist=f 20-b.conflist=b 30-c.json=c 99-Z.conflist=z");

	struct seen stop = { .stop_at = 2 };
	assert_int_equal(cnet_conflist_each(&f->rt, collect, &stop, &err), 42);
	assert_string_equal(stop.names, "10-a.conf=a 100-first.conflist=f");

	/* No directory: no lists. */
	struct cnet_rt rt = f->rt;
	rt.config_dir = "/nonexistent/cnet";
	struct seen none = { .stop_at = -1 };
	assert_int_equal(cnet_conflist_each(&rt, collect, &none, &err), 0);
	assert_int_equal(none.calls, 0);
}

static void test_find(void **state)
{
	struct fx *f = *state;
	struct cnet_err err = { 0 };
	struct cnet_conflist *cl = NULL;
	write_in(f->conf, "00-dup.conf", "{\"cniVersion\": \"0.4.0\", \"name\": \"dup\", \"type\": \"x\"}");
	write_in(f->conf, "50-dup.conflist",
		 "{\"cniVersion\": \"1.0.0\", \"name\": \"dup\", \"plugins\": [{\"type\": \"y\"}]}");
	write_in(f->conf, "60-dup.conflist",
		 "{\"cniVersion\": \"1.0.0\", \"name\": \"dup\", \"plugins\": [{\"type\": \"z\"}]}");
	write_in(f->conf, "70-only.json", "{\"cniVersion\": \"0.4.0\", \"name\": \"only\", \"type\": \"x\"}");
	write_in(f->conf, "01-broken.conflist", "nonsense");

	/* As libcni: a .conflist first, the first one in file-name order. */
	assert_int_equal(cnet_conflist_find(&f->rt, "dup", &cl, &err), 0);
	assert_non_null(strstr(cl->path, "/50-dup.conflist"));
	cnet_conflist_free(cl);
	assert_int_equal(cnet_conflist_find(&f->rt, "only", &cl, &err), 0);
	assert_string_equal(cl->version, "0.4.0");
	cnet_conflist_free(cl);

	cl = NULL;
	assert_int_equal(cnet_conflist_find(&f->rt, "nope", &cl, &err), -ENOENT);
	assert_null(cl);
	assert_int_equal(err.code, 7);
	char want[256];
	snprintf(want, sizeof(want), "no network named nope in %s", f->conf);
	assert_string_equal(err.msg, want);
}

/* ---- ADD ----------------------------------------------------------------------------------- */

static void test_add_chain(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = conflist(f, "10-net1.conflist", net1);
	json_t *caps = load(caps_json);
	struct att t;
	att_init(f, &t, "c1", "ns1", caps);
	setenv("CNI_COMMAND", "BOGUS", 1);   /* the runtime's own CNI_* never leak through */
	setenv("CNI_IFNAME", "bogus0", 1);
	json_t *result = NULL;
	struct cnet_err err = { 0 };
	int r = cnet_rt_add(&f->rt, cl, &t.a, &result, &err);
	unsetenv("CNI_COMMAND");
	unsetenv("CNI_IFNAME");
	if (r < 0)
		fail_msg("add: %s", err.msg);

	assert_rec_text(f, "order", "bridge ADD\nportmap ADD\ntuning ADD\n");
	assert_rec_text(f, "version.log", "bridge\nportmap\ntuning\n");
	/* runtimeConfig: only the capabilities each plugin declares true. */
	assert_rec_json(f, "bridge.ADD.stdin",
			"{\"type\": \"bridge\", \"bridge\": \"br0\", \"capabilities\": {\"mac\": true,"
			" \"portMappings\": false}, \"name\": \"net1\", \"cniVersion\": \"1.1.0\","
			" \"runtimeConfig\": {\"mac\": \"c2:11:22:33:44:55\"}}");
	assert_rec_json(f, "portmap.ADD.stdin",
			"{\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true},"
			" \"name\": \"net1\", \"cniVersion\": \"1.1.0\", \"runtimeConfig\":"
			" {\"portMappings\": [{\"hostPort\": 8080, \"containerPort\": 80,"
			" \"protocol\": \"tcp\"}]}, \"prevResult\": {\"cniVersion\": \"1.1.0\","
			" \"interfaces\": [{\"name\": \"bridge\"}]}}");
	assert_rec_json(f, "tuning.ADD.stdin",
			"{\"type\": \"tuning\", \"name\": \"net1\", \"cniVersion\": \"1.1.0\","
			" \"prevResult\": {\"cniVersion\": \"1.1.0\", \"interfaces\":"
			" [{\"name\": \"portmap\"}]}}");
	char env[1024];
	snprintf(env, sizeof(env),
		 "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=p\nCNI_COMMAND=ADD\nCNI_CONTAINERID=c1\n"
		 "CNI_IFNAME=eth0\nCNI_NETNS=%s\nCNI_PATH=%s\n", t.netns, f->bin);
	assert_rec_text(f, "bridge.ADD.env", env);
	assert_rec_text(f, "tuning.ADD.env", env);

	/* The result is the last plugin's. */
	json_t *want = load("{\"cniVersion\": \"1.1.0\", \"interfaces\": [{\"name\": \"tuning\"}]}");
	assert_true(json_equal(result, want));
	json_decref(want);

	/* The cache entry: libcni's fields, in Go's order, config = the file's bytes. */
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/results", f->cache);
	char *text = read_in(dir, "net1-c1-eth0");
	assert_non_null(text);
	assert_memory_equal(text, "{\"kind\":\"cniCacheV1\",\"containerId\":\"c1\",\"config\":\"", 50);
	json_t *entry = load(text);
	char *b64 = base64_encode(cl->bytes, cl->len);
	json_t *expected = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:[[s,s],[s,s]], s:O, s:O}", "kind", "cniCacheV1",
		"containerId", "c1", "config", b64, "ifName", "eth0", "networkName", "net1",
		"netns", t.netns, "cniArgs", "IgnoreUnknown", "1", "K8S_POD_NAME", "p",
		"capabilityArgs", caps, "result", result);
	assert_true(json_equal(entry, expected));
	size_t len = 0;
	char *config = base64_decode(json_string_value(json_object_get(entry, "config")),
				     strlen(json_string_value(json_object_get(entry, "config"))), &len);
	assert_int_equal(len, strlen(net1));
	assert_string_equal(config, net1);
	struct stat st;
	char path[1024];
	snprintf(path, sizeof(path), "%s/net1-c1-eth0", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	free(config);
	free(b64);
	free(text);
	json_decref(expected);
	json_decref(entry);
	json_decref(result);
	json_decref(caps);
	cnet_conflist_free(cl);
}

static void test_add_plugin_error(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = conflist(f, "10-net1.conflist", net1);
	struct att t;
	att_init(f, &t, "c1", "ns1", NULL);
	write_in(f->rec, "portmap.fail.ADD",
		 "{\"cniVersion\": \"1.1.0\", \"code\": 103, \"msg\": \"host port tcp/8080 is "
		 "already published by c0\", \"details\": \"table cnet\"}");
	json_t *result = NULL;
	struct cnet_err err = { 0 };
	assert_int_equal(cnet_rt_add(&f->rt, cl, &t.a, &result, &err), -EIO);
	assert_null(result);
	assert_int_equal(err.code, 103);
	assert_string_equal(err.msg, "portmap: host port tcp/8080 is already published by c0");
	assert_string_equal(err.details, "table cnet");
	/* The chain stops; nothing is undone and nothing is cached. */
	assert_rec_text(f, "order", "bridge ADD\nportmap ADD\n");
	assert_false(exists_in(f->cache, "results/net1-c1-eth0"));
	/* Without capability args there is no runtimeConfig at all. */
	assert_rec_json(f, "portmap.ADD.stdin",
			"{\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true},"
			" \"name\": \"net1\", \"cniVersion\": \"1.1.0\", \"prevResult\":"
			" {\"cniVersion\": \"1.1.0\", \"interfaces\": [{\"name\": \"bridge\"}]}}");

	/* A failure without error JSON, and a success without a result. */
	reset_rec(f);
	write_in(f->rec, "bridge.fail.ADD", "panic: oops");
	assert_int_equal(cnet_rt_add(&f->rt, cl, &t.a, &result, &err), -EIO);
	assert_int_equal(err.code, 5);
	assert_string_equal(err.msg, "bridge: exited with status 1 and printed no error JSON");
	reset_rec(f);
	write_in(f->rec, "tuning.result", "not json");
	assert_int_equal(cnet_rt_add(&f->rt, cl, &t.a, &result, &err), -EINVAL);
	assert_int_equal(err.code, 5);
	assert_non_null(strstr(err.msg, "tuning: ADD printed no result: "));
	assert_false(exists_in(f->cache, "results/net1-c1-eth0"));
	cnet_conflist_free(cl);
}

static void test_add_bad_attachment(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = conflist(f, "10-net1.conflist", net1);
	struct att t;
	att_init(f, &t, "../c1", "ns1", NULL);
	json_t *result = NULL;
	struct cnet_err err = { 0 };
	assert_int_equal(cnet_rt_add(&f->rt, cl, &t.a, &result, &err), -EINVAL);
	assert_int_equal(err.code, 4);
	assert_string_equal(err.msg, "container ID \"../c1\" is invalid: it must match "
				     "[a-zA-Z0-9][a-zA-Z0-9_.-]*");
	t.a.container_id = "c1";
	t.a.ifname = "a-very-long-interface";
	assert_int_equal(cnet_rt_add(&f->rt, cl, &t.a, &result, &err), -EINVAL);
	assert_int_equal(err.code, 4);
	t.a.ifname = "eth0";
	t.a.netns = NULL;
	assert_int_equal(cnet_rt_add(&f->rt, cl, &t.a, &result, &err), -EINVAL);
	assert_string_equal(err.msg, "ADD: a network namespace is required");
	t.a.netns = t.netns;
	t.a.cni_args = "IgnoreUnknown=1;bad";
	assert_int_equal(cnet_rt_add(&f->rt, cl, &t.a, &result, &err), -EINVAL);
	assert_int_equal(err.code, 4);
	assert_string_equal(err.msg, "CNI_ARGS: \"bad\" is not K=V");
	t.a.cni_args = "A=b=c";
	assert_int_equal(cnet_rt_add(&f->rt, cl, &t.a, &result, &err), -EINVAL);
	assert_string_equal(err.msg, "CNI_ARGS: \"A=b=c\" is not K=V");
	assert_false(exists_in(f->rec, "order"));
	cnet_conflist_free(cl);
}

static void test_plugin_not_found(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = conflist(f, "10-n.conflist",
		"{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"plugins\": [{\"type\": \"bridge\"},"
		" {\"type\": \"nope\"}, {\"type\": \"tuning\"}]}");
	struct att t;
	att_init(f, &t, "c1", "ns1", NULL);
	json_t *result = NULL;
	struct cnet_err err = { 0 };
	assert_int_equal(cnet_rt_add(&f->rt, cl, &t.a, &result, &err), -ENOENT);
	assert_int_equal(err.code, 5);
	char want[256];
	snprintf(want, sizeof(want), "failed to find plugin \"nope\" in path [%s]", f->bin);
	assert_string_equal(err.msg, want);
	assert_false(exists_in(f->rec, "order"));   /* found out while negotiating */

	/* DEL still runs every plugin there is, and reports the missing one. */
	assert_int_equal(cnet_rt_del(&f->rt, cl, &t.a, &err), -ENOENT);
	assert_int_equal(err.code, 5);
	assert_string_equal(err.msg, want);
	assert_rec_text(f, "order", "tuning DEL\nbridge DEL\n");

	/* A file that is there but cannot run. */
	char path[1024];
	snprintf(path, sizeof(path), "%s/nope", f->bin);
	write_file(path, "#!/nonexistent/interpreter\n", 0755);
	/* (posix_spawn reports the failed exec; under valgrind the child exits 127 instead.) */
	assert_true(cnet_rt_add(&f->rt, cl, &t.a, &result, &err) < 0);
	assert_int_equal(err.code, 5);
	assert_memory_equal(err.msg, "nope: ", 6);
	cnet_conflist_free(cl);
}

/* ---- version negotiation ----------------------------------------------------------------- */

static void test_version_negotiation(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = conflist(f, "10-v.conflist",
		"{\"cniVersion\": \"0.4.0\", \"cniVersions\": [\"1.0.0\", \"1.1.0\", \"1.2.0\"],"
		" \"name\": \"v\", \"plugins\": [{\"type\": \"bridge\"}, {\"type\": \"portmap\"},"
		" {\"type\": \"bridge\", \"second\": true}]}");
	assert_string_equal(cl->version, "1.1.0");
	write_in(f->rec, "portmap.versions", "\"0.3.1\",\"0.4.0\",\"1.0.0\"");
	struct att t;
	att_init(f, &t, "c1", "ns1", NULL);
	json_t *result = NULL;
	struct cnet_err err = { 0 };
	if (cnet_rt_add(&f->rt, cl, &t.a, &result, &err) < 0)
		fail_msg("add: %s", err.msg);
	json_decref(result);
	assert_rec_text(f, "version.log", "bridge\nportmap\n");   /* once per type */
	assert_rec_text(f, "order", "bridge ADD\nportmap ADD\nbridge ADD\n");
	assert_rec_json(f, "portmap.ADD.stdin",
			"{\"type\": \"portmap\", \"name\": \"v\", \"cniVersion\": \"1.0.0\","
			" \"prevResult\": {\"cniVersion\": \"1.1.0\", \"interfaces\":"
			" [{\"name\": \"bridge\"}]}}");
	/* The cached 1.1.0 result goes to DEL as a 1.0.0 one. */
	reset_rec(f);
	write_in(f->rec, "portmap.versions", "\"0.3.1\",\"0.4.0\",\"1.0.0\"");
	if (cnet_rt_del(&f->rt, cl, &t.a, &err) < 0)
		fail_msg("del: %s", err.msg);
	assert_rec_json(f, "portmap.DEL.stdin",
			"{\"type\": \"portmap\", \"name\": \"v\", \"cniVersion\": \"1.0.0\","
			" \"prevResult\": {\"cniVersion\": \"1.0.0\", \"interfaces\":"
			" [{\"name\": \"bridge\"}], \"dns\": {}}}");

	/* Nothing in common: code 1 naming what each side has; nothing runs. The plugins are
	 * new binaries (the answers of the old ones are cached). */
	reset_rec(f);
	write_in(f->rec, "portmap.versions", "\"0.3.1\"");
	write_in(f->rec, "bridge.versions", "\"0.4.0\",\"1.1.0\"");
	fake(f, "portmap");
	fake(f, "bridge");
	assert_int_equal(cnet_rt_add(&f->rt, cl, &t.a, &result, &err), -EINVAL);
	assert_int_equal(err.code, 1);
	assert_string_equal(err.msg, "network \"v\": no CNI version in common: the list has "
				     "[1.1.0, 1.0.0, 0.4.0]; bridge supports [0.4.0, 1.1.0]; "
				     "portmap supports [0.3.1]");
	assert_false(exists_in(f->rec, "order"));
	cnet_conflist_free(cl);
}

/* ADD that must succeed; the records stay. */
static void add_ok_keep(struct fx *f, struct cnet_conflist *cl, struct att *t)
{
	json_t *result = NULL;
	struct cnet_err err = { 0 };
	if (cnet_rt_add(&f->rt, cl, &t->a, &result, &err) < 0)
		fail_msg("add %s: %s", t->a.container_id, err.msg);
	json_decref(result);
}

/* VERSION is asked once per binary: the answers are kept in <cache>/cnet/plugin-versions.json
 * while the binary stays the same file; a replaced binary is asked again. */
static void test_version_cache(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = conflist(f, "10-vc.conflist",
		"{\"cniVersion\": \"1.0.0\", \"name\": \"vc\", \"plugins\": [{\"type\": \"bridge\"},"
		" {\"type\": \"portmap\"}]}");
	struct att t;
	att_init(f, &t, "c1", "ns1", NULL);
	struct cnet_err err = { 0 };
	add_ok_keep(f, cl, &t);
	assert_rec_text(f, "version.log", "bridge\nportmap\n");
	assert_true(exists_in(f->cache, "cnet/plugin-versions.json"));
	reset_rec(f);
	if (cnet_rt_del(&f->rt, cl, &t.a, &err) < 0)
		fail_msg("del: %s", err.msg);
	add_ok_keep(f, cl, &t);
	assert_false(exists_in(f->rec, "version.log"));   /* both answered before */
	assert_rec_text(f, "order", "portmap DEL\nbridge DEL\nbridge ADD\nportmap ADD\n");
	/* portmap is replaced by one that no longer speaks 1.0.0: asked again, and refused */
	reset_rec(f);
	write_in(f->rec, "portmap.versions", "\"0.4.0\"");
	fake(f, "portmap");
	json_t *result = NULL;
	assert_int_equal(cnet_rt_add(&f->rt, cl, &t.a, &result, &err), -EINVAL);
	assert_int_equal(err.code, 1);
	assert_rec_text(f, "version.log", "portmap\n");
	/* a cache file that is not JSON is no error: everything is asked again */
	reset_rec(f);
	char path[256];
	snprintf(path, sizeof(path), "%s/cnet/plugin-versions.json", f->cache);
	write_file(path, "not json", 0600);
	write_in(f->rec, "portmap.versions", "\"1.0.0\"");
	fake(f, "portmap");
	add_ok_keep(f, cl, &t);
	assert_rec_text(f, "version.log", "bridge\nportmap\n");
	cnet_conflist_free(cl);
}

/* ---- DEL ------------------------------------------------------------------------------------- */

static void add_ok(struct fx *f, struct cnet_conflist *cl, struct att *t)
{
	json_t *result = NULL;
	struct cnet_err err = { 0 };
	if (cnet_rt_add(&f->rt, cl, &t->a, &result, &err) < 0)
		fail_msg("add %s: %s", t->a.container_id, err.msg);
	json_decref(result);
	reset_rec(f);
}

static void test_del_reverse(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = conflist(f, "10-net1.conflist", net1);
	json_t *caps = load(caps_json);
	struct att t;
	att_init(f, &t, "c1", "ns1", caps);
	add_ok(f, cl, &t);

	/* One plugin fails: the others still run, its error comes back, the cache stays. */
	write_in(f->rec, "portmap.fail.DEL", "{\"code\": 11, \"msg\": \"busy\"}");
	write_in(f->rec, "bridge.fail.DEL", "{\"code\": 7, \"msg\": \"second failure\"}");
	t.a.capability_args = NULL;   /* the cached ones are used */
	t.a.cni_args = NULL;
	t.a.netns = NULL;
	struct cnet_err err = { 0 };
	assert_int_equal(cnet_rt_del(&f->rt, cl, &t.a, &err), -EIO);
	assert_int_equal(err.code, 11);
	assert_string_equal(err.msg, "portmap: busy");
	assert_rec_text(f, "order", "tuning DEL\nportmap DEL\nbridge DEL\n");
	const char *prev = "{\"cniVersion\": \"1.1.0\", \"interfaces\": [{\"name\": \"tuning\"}]}";
	char want[1024];
	snprintf(want, sizeof(want),
		 "{\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true},"
		 " \"name\": \"net1\", \"cniVersion\": \"1.1.0\", \"runtimeConfig\":"
		 " {\"portMappings\": [{\"hostPort\": 8080, \"containerPort\": 80,"
		 " \"protocol\": \"tcp\"}]}, \"prevResult\": %s}", prev);
	assert_rec_json(f, "portmap.DEL.stdin", want);
	snprintf(want, sizeof(want), "{\"type\": \"tuning\", \"name\": \"net1\","
		 " \"cniVersion\": \"1.1.0\", \"prevResult\": %s}", prev);
	assert_rec_json(f, "tuning.DEL.stdin", want);
	snprintf(want, sizeof(want),
		 "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=p\nCNI_COMMAND=DEL\nCNI_CONTAINERID=c1\n"
		 "CNI_IFNAME=eth0\nCNI_NETNS=\nCNI_PATH=%s\n", f->bin);
	assert_rec_text(f, "bridge.DEL.env", want);
	assert_true(exists_in(f->cache, "results/net1-c1-eth0"));

	/* All succeed: the entry goes. Again: still fine, without a prevResult. */
	reset_rec(f);
	if (cnet_rt_del(&f->rt, cl, &t.a, &err) < 0)
		fail_msg("del: %s", err.msg);
	assert_rec_text(f, "order", "tuning DEL\nportmap DEL\nbridge DEL\n");
	assert_false(exists_in(f->cache, "results/net1-c1-eth0"));
	reset_rec(f);
	if (cnet_rt_del(&f->rt, cl, &t.a, &err) < 0)
		fail_msg("del: %s", err.msg);
	assert_rec_json(f, "tuning.DEL.stdin",
			"{\"type\": \"tuning\", \"name\": \"net1\", \"cniVersion\": \"1.1.0\"}");
	json_decref(caps);
	cnet_conflist_free(cl);
}

static void test_del_old_version(void **state)
{
	struct fx *f = *state;
	/* Before 0.4.0 DEL gets no prevResult (libcni); an unreadable cache entry is dropped. */
	struct cnet_conflist *cl = conflist(f, "10-old.conflist",
		"{\"cniVersion\": \"0.3.1\", \"name\": \"old\", \"plugins\": [{\"type\": \"bridge\"}]}");
	struct att t;
	att_init(f, &t, "c1", "ns1", NULL);
	add_ok(f, cl, &t);
	struct cnet_err err = { 0 };
	if (cnet_rt_del(&f->rt, cl, &t.a, &err) < 0)
		fail_msg("del: %s", err.msg);
	assert_rec_json(f, "bridge.DEL.stdin",
			"{\"type\": \"bridge\", \"name\": \"old\", \"cniVersion\": \"0.3.1\"}");
	cnet_conflist_free(cl);

	cl = conflist(f, "10-net1.conflist", net1);
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/results", f->cache);
	write_in(dir, "net1-c1-eth0", "{garbage");
	reset_rec(f);
	if (cnet_rt_del(&f->rt, cl, &t.a, &err) < 0)
		fail_msg("del: %s", err.msg);
	assert_rec_text(f, "order", "tuning DEL\nportmap DEL\nbridge DEL\n");
	assert_false(exists_in(dir, "net1-c1-eth0"));
	cnet_conflist_free(cl);
}

/* ---- CHECK ----------------------------------------------------------------------------------- */

static void test_check(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = conflist(f, "10-net1.conflist", net1);
	struct att t;
	att_init(f, &t, "c1", "ns1", NULL);
	struct cnet_err err = { 0 };

	/* Never before ADD. */
	assert_int_equal(cnet_rt_check(&f->rt, cl, &t.a, &err), -ENOENT);
	assert_int_equal(err.code, 3);
	assert_string_equal(err.msg,
			    "network \"net1\": no cached result for container c1 interface eth0");
	assert_false(exists_in(f->rec, "order"));

	add_ok(f, cl, &t);
	if (cnet_rt_check(&f->rt, cl, &t.a, &err) < 0)
		fail_msg("check: %s", err.msg);
	assert_rec_text(f, "order", "bridge CHECK\nportmap CHECK\ntuning CHECK\n");
	assert_rec_json(f, "bridge.CHECK.stdin",
			"{\"type\": \"bridge\", \"bridge\": \"br0\", \"capabilities\": {\"mac\": true,"
			" \"portMappings\": false}, \"name\": \"net1\", \"cniVersion\": \"1.1.0\","
			" \"prevResult\": {\"cniVersion\": \"1.1.0\", \"interfaces\":"
			" [{\"name\": \"tuning\"}]}}");

	/* The first failure stops it. */
	reset_rec(f);
	write_in(f->rec, "portmap.fail.CHECK", "{\"code\": 100, \"msg\": \"rule missing\"}");
	assert_int_equal(cnet_rt_check(&f->rt, cl, &t.a, &err), -EIO);
	assert_int_equal(err.code, 100);
	assert_string_equal(err.msg, "portmap: rule missing");
	assert_rec_text(f, "order", "bridge CHECK\nportmap CHECK\n");
	cnet_conflist_free(cl);

	/* disableCheck: nothing runs. */
	reset_rec(f);
	cl = conflist(f, "10-net1.conflist",
		      "{\"cniVersion\": \"1.0.0\", \"name\": \"net1\", \"disableCheck\": true,"
		      " \"plugins\": [{\"type\": \"bridge\"}]}");
	assert_int_equal(cnet_rt_check(&f->rt, cl, &t.a, &err), 0);
	assert_false(exists_in(f->rec, "order"));
	assert_false(exists_in(f->rec, "version.log"));
	cnet_conflist_free(cl);

	/* Before 0.4.0 there is no CHECK. */
	cl = conflist(f, "10-net1.conflist",
		      "{\"cniVersion\": \"0.3.1\", \"name\": \"net1\", \"plugins\": [{\"type\": \"bridge\"}]}");
	assert_int_equal(cnet_rt_check(&f->rt, cl, &t.a, &err), -EINVAL);
	assert_int_equal(err.code, 1);
	assert_string_equal(err.msg,
			    "configuration version \"0.3.1\" does not support the CHECK command");
	cnet_conflist_free(cl);
}

/* ---- the cache ------------------------------------------------------------------------------ */

struct cache_seen {
	char text[1024];
};

static int collect_cached(const struct cnet_cached *c, void *arg)
{
	struct cache_seen *s = arg;
	size_t n = strlen(s->text);
	snprintf(s->text + n, sizeof(s->text) - n, "%s%s/%s/%s", n ? " " : "", c->network,
		 c->container_id, c->ifname);
	return 0;
}

static void test_cache(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = conflist(f, "10-net1.conflist", net1);
	struct cnet_conflist *cl2 = conflist(f, "20-net1-b.conflist",
		"{\"cniVersion\": \"1.1.0\", \"name\": \"net1-b\", \"plugins\": [{\"type\": \"tuning\"}]}");
	json_t *caps = load("{\"mac\": \"c2:11:22:33:44:55\"}");
	struct att t1, t2, t3;
	att_init(f, &t1, "c1", "ns1", caps);
	att_init(f, &t2, "c2", "ns2", NULL);
	att_init(f, &t3, "c1", "ns1", NULL);
	t2.a.cni_args = NULL;
	add_ok(f, cl, &t1);
	add_ok(f, cl, &t2);
	add_ok(f, cl2, &t3);

	struct cnet_err err = { 0 };
	struct cnet_cached *c = NULL;
	assert_int_equal(cnet_cache_get(&f->rt, "net1", "c1", "eth0", &c, &err), 0);
	assert_string_equal(c->network, "net1");
	assert_string_equal(c->container_id, "c1");
	assert_string_equal(c->ifname, "eth0");
	assert_string_equal(c->netns, t1.netns);
	assert_true(json_equal(c->capability_args, caps));
	json_t *want = load("[[\"IgnoreUnknown\", \"1\"], [\"K8S_POD_NAME\", \"p\"]]");
	assert_true(json_equal(c->cni_args, want));
	json_decref(want);
	want = load("{\"cniVersion\": \"1.1.0\", \"interfaces\": [{\"name\": \"tuning\"}]}");
	assert_true(json_equal(c->result, want));
	json_decref(want);
	char path[1024];
	snprintf(path, sizeof(path), "%s/results/net1-c1-eth0", f->cache);
	assert_string_equal(c->path, path);
	cnet_cached_free(c);

	c = NULL;
	assert_int_equal(cnet_cache_get(&f->rt, "net1", "c2", "eth0", &c, &err), 0);
	assert_null(c->capability_args);
	assert_null(c->cni_args);
	cnet_cached_free(c);

	/* Absent: -ENOENT with err untouched. */
	struct cnet_err untouched = { .code = 77 };
	c = NULL;
	assert_int_equal(cnet_cache_get(&f->rt, "net1", "c9", "eth0", &c, &untouched), -ENOENT);
	assert_null(c);
	assert_int_equal(untouched.code, 77);

	/* Foreign files are skipped; a legacy (bare result) entry is read by get only. */
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/results", f->cache);
	write_in(dir, "net1-zz-eth0", "not json");
	write_in(dir, "net1-c3-eth0.cnet-tmp.123", "{}");
	write_in(dir, "net1-c4-eth0", "{\"cniVersion\": \"0.4.0\", \"ips\": []}");
	write_in(dir, "net1-c5-eth0", "{\"kind\": \"cniCacheV2\", \"containerId\": \"c5\","
				      " \"ifName\": \"eth0\", \"networkName\": \"net1\"}");
	struct cache_seen all = { "" }, one = { "" };
	assert_int_equal(cnet_cache_each(&f->rt, NULL, collect_cached, &all, &err), 0);
	assert_string_equal(all.text, "net1-b/c1/eth0 net1/c1/eth0 net1/c2/eth0");
	assert_int_equal(cnet_cache_each(&f->rt, "net1", collect_cached, &one, &err), 0);
	assert_string_equal(one.text, "net1/c1/eth0 net1/c2/eth0");

	assert_int_equal(cnet_cache_get(&f->rt, "net1", "c4", "eth0", &c, &err), 0);
	assert_string_equal(c->container_id, "c4");
	assert_null(c->netns);
	assert_string_equal(json_string_value(json_object_get(c->result, "cniVersion")), "0.4.0");
	cnet_cached_free(c);
	assert_int_equal(cnet_cache_get(&f->rt, "net1", "zz", "eth0", &c, &err), -EINVAL);
	assert_int_equal(err.code, 6);
	assert_int_equal(cnet_cache_get(&f->rt, "net1", "c5", "eth0", &c, &err), -EINVAL);
	assert_int_equal(err.code, 6);
	assert_int_equal(cnet_cache_get(&f->rt, "net1", "../x", "eth0", &c, &err), -EINVAL);
	assert_int_equal(err.code, 4);

	/* No cache directory at all: nothing, no error. */
	struct cnet_rt rt = f->rt;
	rt.cache_dir = "/nonexistent/cnet";
	struct cache_seen none = { "" };
	assert_int_equal(cnet_cache_each(&rt, NULL, collect_cached, &none, &err), 0);
	assert_string_equal(none.text, "");

	json_decref(caps);
	cnet_conflist_free(cl);
	cnet_conflist_free(cl2);
}

/* ---- GC and STATUS --------------------------------------------------------------------------- */

static void test_gc(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = conflist(f, "10-net1.conflist", net1);
	struct cnet_conflist *other = conflist(f, "20-net2.conflist",
		"{\"cniVersion\": \"1.1.0\", \"name\": \"net2\", \"plugins\": [{\"type\": \"tuning\"}]}");
	struct att t1, t2, t3;
	att_init(f, &t1, "c1", "ns1", NULL);
	att_init(f, &t2, "c2", "ns2", NULL);
	att_init(f, &t3, "c3", "ns3", NULL);
	add_ok(f, cl, &t1);
	add_ok(f, cl, &t2);
	add_ok(f, other, &t3);
	unlink(t2.netns);   /* c2's namespace is gone, and c3's (another network) too */
	unlink(t3.netns);

	struct cnet_attachment extra[] = { { .container_id = "c9", .ifname = "eth1" },
					   { .container_id = "c1", .ifname = "eth0" } };
	struct cnet_err err = { 0 };
	if (cnet_rt_gc(&f->rt, cl, extra, 2, &err) < 0)
		fail_msg("gc: %s", err.msg);
	assert_rec_text(f, "order", "tuning DEL\nportmap DEL\nbridge DEL\n"
				    "bridge GC\nportmap GC\ntuning GC\n");
	char want[1024];
	snprintf(want, sizeof(want),
		 "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=p\nCNI_COMMAND=DEL\nCNI_CONTAINERID=c2\n"
		 "CNI_IFNAME=eth0\nCNI_NETNS=%s\nCNI_PATH=%s\n", t2.netns, f->bin);
	assert_rec_text(f, "bridge.DEL.env", want);
	assert_rec_json(f, "bridge.GC.stdin",
			"{\"type\": \"bridge\", \"bridge\": \"br0\", \"capabilities\": {\"mac\": true,"
			" \"portMappings\": false}, \"name\": \"net1\", \"cniVersion\": \"1.1.0\","
			" \"cni.dev/valid-attachments\": [{\"containerID\": \"c1\", \"ifname\": \"eth0\"},"
			" {\"containerID\": \"c9\", \"ifname\": \"eth1\"}]}");
	snprintf(want, sizeof(want), "CNI_ARGS=\nCNI_COMMAND=GC\nCNI_CONTAINERID=\nCNI_IFNAME=\n"
		 "CNI_NETNS=\nCNI_PATH=%s\n", f->bin);
	assert_rec_text(f, "tuning.GC.env", want);
	assert_true(exists_in(f->cache, "results/net1-c1-eth0"));
	assert_false(exists_in(f->cache, "results/net1-c2-eth0"));
	assert_true(exists_in(f->cache, "results/net2-c3-eth0"));

	/* A failing plugin does not stop the others; the first error is returned. */
	reset_rec(f);
	write_in(f->rec, "bridge.fail.GC", "{\"code\": 100, \"msg\": \"cannot list links\"}");
	write_in(f->rec, "tuning.fail.GC", "{\"code\": 100, \"msg\": \"second\"}");
	assert_int_equal(cnet_rt_gc(&f->rt, cl, NULL, 0, &err), -EIO);
	assert_string_equal(err.msg, "bridge: cannot list links");
	assert_rec_text(f, "order", "bridge GC\nportmap GC\ntuning GC\n");
	assert_rec_json(f, "portmap.GC.stdin",
			"{\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true},"
			" \"name\": \"net1\", \"cniVersion\": \"1.1.0\", \"cni.dev/valid-attachments\":"
			" [{\"containerID\": \"c1\", \"ifname\": \"eth0\"}]}");
	cnet_conflist_free(cl);

	/* disableGC: nothing at all; before 1.1.0: the stale DELs only. */
	reset_rec(f);
	cl = conflist(f, "10-net1.conflist",
		      "{\"cniVersion\": \"1.1.0\", \"name\": \"net1\", \"disableGC\": true,"
		      " \"plugins\": [{\"type\": \"bridge\"}]}");
	unlink(t1.netns);
	assert_int_equal(cnet_rt_gc(&f->rt, cl, NULL, 0, &err), 0);
	assert_false(exists_in(f->rec, "order"));
	cnet_conflist_free(cl);
	cl = conflist(f, "10-net1.conflist",
		      "{\"cniVersion\": \"1.0.0\", \"name\": \"net1\", \"plugins\": [{\"type\": \"bridge\"}]}");
	assert_int_equal(cnet_rt_gc(&f->rt, cl, NULL, 0, &err), 0);
	assert_rec_text(f, "order", "bridge DEL\n");
	assert_false(exists_in(f->cache, "results/net1-c1-eth0"));
	cnet_conflist_free(cl);
	cnet_conflist_free(other);
}

static void test_status(void **state)
{
	struct fx *f = *state;
	struct cnet_conflist *cl = conflist(f, "10-net1.conflist", net1);
	struct cnet_err err = { 0 };
	assert_int_equal(cnet_rt_status(&f->rt, cl, &err), 0);
	assert_rec_text(f, "order", "bridge STATUS\nportmap STATUS\ntuning STATUS\n");
	assert_rec_json(f, "portmap.STATUS.stdin",
			"{\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true},"
			" \"name\": \"net1\", \"cniVersion\": \"1.1.0\"}");
	reset_rec(f);
	write_in(f->rec, "portmap.fail.STATUS",
		 "{\"code\": 50, \"msg\": \"nftables unavailable\", \"details\": \"EPERM\"}");
	assert_int_equal(cnet_rt_status(&f->rt, cl, &err), -EIO);
	assert_int_equal(err.code, 50);
	assert_string_equal(err.msg, "portmap: nftables unavailable");
	assert_string_equal(err.details, "EPERM");
	assert_rec_text(f, "order", "bridge STATUS\nportmap STATUS\n");
	cnet_conflist_free(cl);

	/* Before 1.1.0 there is no STATUS: ready, nothing runs. */
	reset_rec(f);
	cl = conflist(f, "10-net1.conflist",
		      "{\"cniVersion\": \"1.0.0\", \"name\": \"net1\", \"plugins\": [{\"type\": \"bridge\"}]}");
	assert_int_equal(cnet_rt_status(&f->rt, cl, &err), 0);
	assert_false(exists_in(f->rec, "order"));
	assert_false(exists_in(f->rec, "version.log"));
	cnet_conflist_free(cl);
}

int main(void)
{
	/* Warnings about skipped files and failing DELs are expected here. */
	setenv("CNET_LOG_FILE", "/dev/null", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rt_init),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plugin_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_bad_attachment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plugin_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_negotiation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_del_reverse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_del_old_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
