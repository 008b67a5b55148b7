// SPDX-License-Identifier: Apache-2.0
/* host-local IPAM (the commands are in commands.c). */
#include "host_local.h"

int main(int argc, char **argv)
{
	return cni_main(&host_local_plugin, argc, argv);
}
