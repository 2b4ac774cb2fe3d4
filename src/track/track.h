/* track, the issue tracker: its service description (routes and hooks) for the web layer. */
#ifndef WEFT_TRACK_TRACK_H
#define WEFT_TRACK_TRACK_H

#include "web/web.h"

const web_service *track_service(void);

#endif
