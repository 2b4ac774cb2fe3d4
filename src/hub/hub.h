/* hub, the code host: its service description (routes and hooks) for the web layer. */
#ifndef WEFT_HUB_HUB_H
#define WEFT_HUB_HUB_H

#include "web/web.h"

const web_service *hub_service(void);

#endif
