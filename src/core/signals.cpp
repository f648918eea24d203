// SPDX-License-Identifier: MIT
#include "core/signals.hpp"

#include <atomic>
#include <csignal>

namespace hadal {

namespace {
volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int signal) { g_stop_signal = signal; }
}  // namespace

void install_stop_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

int received_stop_signal() { return g_stop_signal; }

void raise_stop_flag(int signal) { g_stop_signal = signal; }
void clear_stop_flag() { g_stop_signal = 0; }

}  // namespace hadal
