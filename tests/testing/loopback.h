// Copyright 2026 The Tidings Authors.
//
// loopback.h: free ports on 127.0.0.1 for the processes and servers that
// tests start, and whether something listens on one.

#ifndef TIDINGS_TESTS_TESTING_LOOPBACK_H_
#define TIDINGS_TESTS_TESTING_LOOPBACK_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace tidings::testing {

// A socket bound to a port of 127.0.0.1 that the kernel chose (fd -1 and
// port 0 when none could be bound). While `fd` is open no other bind gets
// that port: hold several to pick distinct ones, then close them all just
// before the process that listens on them starts (another process could
// take a port in between, which is unlikely on loopback within a test).
struct BoundPort {
  int fd = -1;
  int port = 0;
};

inline BoundPort BindLoopbackPort() {
  BoundPort out;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return out;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return out;
  }
  out.fd = fd;
  out.port = ntohs(addr.sin_port);
  return out;
}

// A port of 127.0.0.1 that was free a moment ago, or 0.
inline int FreeLoopbackPort() {
  const BoundPort bound = BindLoopbackPort();
  if (bound.fd >= 0) ::close(bound.fd);
  return bound.port;
}

// Whether something accepts TCP connections on 127.0.0.1:`port`.
inline bool LoopbackListening(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok =
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_TESTING_LOOPBACK_H_
