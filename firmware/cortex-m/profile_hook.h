/* Included into the generated model when the farm profiles layers: the model reports the
 * end of every layer to the harness, which charges the ticks since the previous one. */
#ifndef TINYOPS_FIRMWARE_PROFILE_HOOK_H
#define TINYOPS_FIRMWARE_PROFILE_HOOK_H

void tinyops_layer_done(int index);
#define TINYOPS_LAYER_DONE(index) tinyops_layer_done(index)

#endif
