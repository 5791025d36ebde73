#include "app/systemd_notify.h"

#include <systemd/sd-daemon.h>

namespace scrm::app {

bool NotifySystemd(const std::string& state) { return sd_notify(0, state.c_str()) > 0; }

}  // namespace scrm::app
