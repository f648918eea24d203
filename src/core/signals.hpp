// SPDX-License-Identifier: MIT
/// \file signals.hpp
/// \brief SIGTERM/SIGUSR1 catching for queue wall-time limits: the handler only raises a flag;
/// the time loop checks it at step boundaries (agreed across ranks) and checkpoints.
#pragma once

#include <mpi.h>

namespace hadal {

/// Installs handlers for SIGTERM, SIGUSR1 and SIGINT (idempotent).
void install_stop_signal_handlers();
/// The signal number received, or 0. Purely local: use stop_requested() for a collective answer.
int received_stop_signal();
/// Collective: true on every rank if any rank got a stop signal.
bool stop_requested(MPI_Comm comm);
/// For tests: behave as if `signal` had arrived.
void raise_stop_flag(int signal);
void clear_stop_flag();

}  // namespace hadal
