// Copyright 2026 The Tidings Authors.
//
// sd_notify() wrappers (systemd_notify.h).

#include "service/cli/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace tidings::cli {

void NotifyReady(int port) {
  // unset_environment = 0: keep $NOTIFY_SOCKET for the STOPPING=1 later.
  // The return value (< 0 on a send error, 0 without $NOTIFY_SOCKET) is
  // ignored on purpose: systemd would kill a server that never became
  // ready, and there is nothing better to do about it here.
  std::string message = absl::StrCat("READY=1\nSTATUS=serving on port ", port);
  (void)sd_notify(0, message.c_str());
}

void NotifyStopping() {
  (void)sd_notify(0, "STOPPING=1\nSTATUS=shutting down gracefully");
}

}  // namespace tidings::cli
