// Tells systemd how scrm serve is doing (sd_notify(3)), for a unit of
// Type=notify such as the Debian package's scrm.service: READY=1 once the
// listener and every background task have started, STOPPING=1 when it
// drains. Without NOTIFY_SOCKET (not started by systemd) it does nothing.
#ifndef SCRM_APP_SYSTEMD_NOTIFY_H_
#define SCRM_APP_SYSTEMD_NOTIFY_H_

#include <string>

namespace scrm::app {

// Sends state ("READY=1\nSTATUS=...") to systemd; false when there is no
// systemd to tell or it could not be told (never fatal).
bool NotifySystemd(const std::string& state);

}  // namespace scrm::app

#endif  // SCRM_APP_SYSTEMD_NOTIFY_H_
