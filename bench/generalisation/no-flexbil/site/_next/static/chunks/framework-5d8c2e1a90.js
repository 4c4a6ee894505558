/* framework chunk (react/react-dom) – stubbed in static export */
!function(){"use strict";self.__FB_FRAMEWORK__="18.3.1";}();
