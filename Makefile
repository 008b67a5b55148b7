# cnet — one plain, non-recursive GNU Makefile. `make V=1` shows the commands.
B ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libnl-route-3.0 libmnl libnftnl jansson nettle

CFLAGS ?= -O2 -g
WARNINGS := -std=gnu11 -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wwrite-strings -Wimplicit-fallthrough
ifneq ($(shell $(CC) -v 2>&1 | grep -c "^gcc version"),0)
WARNINGS += -Wjump-misses-init
endif
ALL_CPPFLAGS := -D_GNU_SOURCE -Ilib $(shell $(PKG_CONFIG) --cflags $(PKGS)) $(CPPFLAGS)
ALL_CFLAGS := $(WARNINGS) $(CFLAGS) -MMD -MP
# libnl, libnftnl, jansson and nettle are linked statically when their archives are installed
# (Debian's -dev packages ship them): a plugin is a short-lived process, and resolving four
# shared libraries costs ~0.2 ms of CPU at every exec. libmnl ships no archive; libc stays
# shared. STATIC=0 links everything dynamically.
STATIC ?= 1
LIBDIR := $(shell $(PKG_CONFIG) --variable=libdir libnl-3.0)
STATIC_LIBS := nl-route-3 nl-3 nftnl jansson nettle
ifeq ($(STATIC)$(words $(wildcard $(STATIC_LIBS:%=$(LIBDIR)/lib%.a))),15)
LIBS := -Wl,-Bstatic $(STATIC_LIBS:%=-l%) -Wl,-Bdynamic -lmnl -lpthread
else
LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))
endif

ifeq ($(V),1)
Q :=
quiet =
else
Q := @
quiet = @printf '  %-7s %s\n' $(1) $(2);
endif

# ---- the library ---------------------------------------------------------
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
LIBCNET := $(B)/lib/libcnet.a

# ---- plugins: one folder each; <type>.c holds main(), the rest is linkable alone --------
# A folder is a plugin once its <type>.c exists.
PLUGIN_DIRS := $(patsubst %/,%,$(sort $(dir $(foreach d,$(wildcard plugins/* ipam/*),\
	$(wildcard $(d)/$(notdir $(d)).c)))))
PLUGINS := $(notdir $(PLUGIN_DIRS))
BINS := $(PLUGINS:%=$(B)/bin/%)

# ---- the cnet command: cnet/*.c, main() in cnet/main.c -----------------------------------
CNET_SRCS := $(wildcard cnet/*.c)
CNET_BIN := $(if $(CNET_SRCS),$(B)/bin/cnet)
CNET_LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(filter-out cnet/main.c,$(CNET_SRCS)))
MAN := $(if $(wildcard docs/cnet.1.scd),$(B)/man/cnet.1)

# objects of a plugin folder without its main file (for unit tests)
plugin_objs = $(patsubst %.c,$(B)/obj/%.o,$(filter-out $(1)/$(notdir $(1)).c,$(wildcard $(1)/*.c)))
plugin_all_objs = $(patsubst %.c,$(B)/obj/%.o,$(wildcard $(1)/*.c))

# ---- unit tests: tests/unit/test_<name>.c; test_<plugin>_*.c also link that plugin ---------
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%)
CMOCKA := $(shell $(PKG_CONFIG) --cflags --libs cmocka 2>/dev/null)

# ---- test tools: small programs the integration tests drive (tests/<name>.c) -----------
TEST_TOOLS := $(B)/tests/nft-probe $(B)/tests/conntrack-probe

.PHONY: all test unit integration check-asan clean lint demo bench test-tools
all: $(LIBCNET) $(BINS) $(CNET_BIN) $(MAN)
test-tools: $(TEST_TOOLS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBCNET): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

# IPAM plugins that main plugins run in their own process (lib/ipam.h, ipam_link): an archive
# of the IPAM's objects minus its main(), linked into the plugins listed in IPAM_USERS.
IPAM_INPROC := ipam/host-local
IPAM_USERS := plugins/bridge plugins/macvlan plugins/host-device plugins/vxlan
IPAM_ARCHIVE := $(B)/lib/libcnet-ipam.a
$(IPAM_ARCHIVE): $(foreach d,$(IPAM_INPROC),$(call plugin_objs,$(d)))
	@mkdir -p $(dir $@)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

# Plugins built on another plugin's code (its objects minus its main()): "user:base".
PLUGIN_BASES := plugins/vxlan:plugins/bridge
plugin_base = $(foreach p,$(PLUGIN_BASES),$(if $(filter $(1),$(word 1,$(subst :, ,$(p)))),\
	$(call plugin_objs,$(word 2,$(subst :, ,$(p))))))

define plugin_rule
$(B)/bin/$(notdir $(1)): $(call plugin_all_objs,$(1)) $(call plugin_base,$(1)) $(if $(filter $(1),$(IPAM_USERS)),$(IPAM_ARCHIVE)) $(LIBCNET)
	@mkdir -p $$(dir $$@)
	$$(call quiet,LD,$$@)$$(CC) $$(ALL_CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(LIBS)
endef
$(foreach d,$(PLUGIN_DIRS),$(eval $(call plugin_rule,$(d))))

unit_extra = $(foreach d,$(PLUGIN_DIRS),$(if $(findstring test_$(subst -,,$(notdir $(d)))_,$(1)),$(call plugin_objs,$(d)))) \
	$(if $(findstring test_cnet_,$(1)),$(CNET_LIB_OBJS))

$(B)/bin/cnet: $(patsubst %.c,$(B)/obj/%.o,$(CNET_SRCS)) $(LIBCNET)
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/man/cnet.1: docs/cnet.1.scd
	@mkdir -p $(dir $@)
	$(call quiet,SCDOC,$@)scdoc <$< >$@

define unit_rule
$(B)/tests/unit/$(1): $(B)/obj/tests/unit/$(1).o $(call unit_extra,$(1)) $(LIBCNET)
	@mkdir -p $$(dir $$@)
	$$(call quiet,LD,$$@)$$(CC) $$(ALL_CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(LIBS) $$(CMOCKA)
endef
$(foreach t,$(UNIT_SRCS:tests/unit/%.c=%),$(eval $(call unit_rule,$(t))))

$(B)/tests/nft-probe: $(B)/obj/tests/nft-probe.o $(LIBCNET)
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/conntrack-probe: $(B)/obj/tests/conntrack-probe.o $(LIBCNET)
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/obj/tests/unit/%.o: ALL_CPPFLAGS += $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)

# `make test`: unit tests (no privileges), then the integration suite inside scripts/sandbox.
test: all $(UNIT_BINS) $(TEST_TOOLS)
	$(Q)scripts/run-tests $(B)

unit: $(UNIT_BINS)
	$(Q)scripts/run-tests --unit-only $(B)

check-asan:
	$(Q)$(MAKE) B=build-asan CC=clang \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" test

demo: all
	$(Q)scripts/sandbox scripts/demo $(B)

clean:
	rm -rf build build-asan

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# Side-by-side timings against the reference plugins (not part of make test).
bench: all
	$(Q)scripts/sandbox tests/bench/bridge-add-del $(B) 40 0
	$(Q)scripts/sandbox tests/bench/bridge-add-del $(B) 40 200
	$(Q)for b in $(filter-out tests/bench/bridge-add-del %.bash,$(wildcard tests/bench/*)); do \
		scripts/sandbox $$b $(B) || exit 1; done

# Static analysis: cppcheck and clang-tidy over the C sources, shellcheck over the scripts.
lint:
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem -D_GNU_SOURCE -Ilib lib plugins ipam $(wildcard cnet)
	$(Q)clang-tidy --quiet $(wildcard lib/*.c plugins/*/*.c ipam/*/*.c cnet/*.c) -- $(ALL_CPPFLAGS) -std=gnu11 2>/dev/null | grep -E 'warning|error' || true
	$(Q)shellcheck scripts/* .ci/run tests/bench/* tests/integration/helpers.bash
	$(Q)shellcheck -S error tests/integration/*.bats   # e.g. SC2314: a bats `! cmd` asserts nothing
