/* webpack runtime */
!function(){"use strict";var e={};self.__FB_CHUNKS__=self.__FB_CHUNKS__||[];e.p="/_next/";}();
