// SPDX-License-Identifier: MIT
/// \file signals.hpp
/// \brief SIGTERM/SIGUSR1 catching for queue wall-time limits: the handler only raises a flag;
/// the time loop checks it at step boundaries (agreed across ranks) and checkpoints.
#pragma once

namespace hadal {

/// Installs handlers for SIGTERM, SIGUSR1 and SIGINT (idempotent).
void install_stop_signal_handlers();
/// The signal number received, or 0. Purely local: the time loop reduces it over the ranks.
int received_stop_signal();
/// For tests: behave as if `signal` had arrived.
void raise_stop_flag(int signal);
void clear_stop_flag();

}  // namespace hadal
