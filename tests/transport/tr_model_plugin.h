/* SPDX-License-Identifier: Apache-2.0 */
/* What the transport tests ask libvaccel-trmodel.so for (see tr_model_plugin.c). */
#ifndef TR_MODEL_PLUGIN_H
#define TR_MODEL_PLUGIN_H

enum { TRMODEL_BIG = 1, TRMODEL_SHORT, TRMODEL_DIMS };

/* Most dims TRMODEL_DIMS makes (beyond the transport's 32). */
#define TRMODEL_MAX_DIMS 64

#endif /* TR_MODEL_PLUGIN_H */
