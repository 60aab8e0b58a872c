/* A QEMU TCG plugin: exact guest instruction counts between calls to one
 * marker function. Every instruction bumps an inline counter; the marker's
 * first instruction also runs a callback that prints the running count,
 * numbering the calls in order. Output (with -d plugin):
 *   marker <call number> <instructions so far>
 * Usage: qemu-ppc -cpu 750 -plugin ./libinsn_count.so,marker=0xADDR -d plugin PROGRAM */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t insns;
static uint64_t marker_addr;
static unsigned calls;

static void on_marker(unsigned int vcpu, void* udata) {
  (void)vcpu;
  (void)udata;
  char line[96];
  snprintf(line, sizeof line, "marker %u %" PRIu64 "\n", ++calls, insns);
  qemu_plugin_outs(line);
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb);
  for (size_t i = 0; i < n; ++i) {
    struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &insns, 1);
    if (qemu_plugin_insn_vaddr(insn) == marker_addr)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS, NULL);
  }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc, char** argv) {
  (void)info;
  for (int i = 0; i < argc; ++i)
    if (strncmp(argv[i], "marker=", 7) == 0) marker_addr = strtoull(argv[i] + 7, NULL, 0);
  if (!marker_addr) return -1;
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
  return 0;
}
