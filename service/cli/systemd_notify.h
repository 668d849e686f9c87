// Copyright 2026 The Tidings Authors.
//
// systemd_notify.h: readiness and stopping notifications for systemd's
// Type=notify services (deploy/tidings.service), through libsystemd's
// sd_notify(). systemd starts units that depend on Tidings only once it is
// READY, and shows STOPPING while the graceful shutdown drains. Both are
// no-ops when $NOTIFY_SOCKET is unset (not started by systemd), and a
// failure to notify is not an error of the server: it keeps serving.

#ifndef TIDINGS_SERVICE_CLI_SYSTEMD_NOTIFY_H_
#define TIDINGS_SERVICE_CLI_SYSTEMD_NOTIFY_H_

namespace tidings::cli {

// Sends READY=1 and a STATUS naming `port` (shown by `systemctl status`).
// Call once the server listens and serves.
void NotifyReady(int port);

// Sends STOPPING=1 and a STATUS saying so. Call when a graceful shutdown
// begins.
void NotifyStopping();

}  // namespace tidings::cli

#endif  // TIDINGS_SERVICE_CLI_SYSTEMD_NOTIFY_H_
