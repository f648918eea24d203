// SPDX-License-Identifier: MIT
/// \file particle_random.hpp
/// \brief What the particle kernels know of a particle besides its position: its life state, the event
/// of its last step, and its counter-based random stream. Depends on Kokkos and the numerics floor only.
///
/// The random numbers of a particle are a hash of (seed, particle id, step, draw), so its trajectory
/// does not depend on which rank or thread moves it nor on the order of particles in memory: a run
/// gives the same particles, bit for bit, on any number of ranks and threads.
#pragma once

#include <cstdint>

#include <Kokkos_Core.hpp>

#include "numerics/kokkos_math.hpp"

namespace hadal::plume {

/// Life state of a particle.
enum ParticleState : int { kSuspended = 0, kDeposited = 1, kOutflow = 2 };
/// What happened to a particle during the last step (bookkept after migration, by the new owner).
enum ParticleEvent : int { kNoEvent = 0, kJustDeposited = 1, kJustEroded = 2, kJustLeft = 3 };

// ------------------------------------------------------------------------------------------------
// Counter-based random numbers (splitmix64 finaliser chained over the counter words).

KOKKOS_INLINE_FUNCTION std::uint64_t mix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// Key of the stream of particle `id` at step `step`; draws are mix64(key + n * golden).
KOKKOS_INLINE_FUNCTION std::uint64_t stream_key(std::uint64_t seed, std::uint64_t id, std::uint64_t step) {
  return mix64(mix64(mix64(seed) ^ id) ^ (step * 0xD1B54A32D192ED03ULL));
}

/// Uniform in [0, 1) with 53 random bits (draw n of the stream).
KOKKOS_INLINE_FUNCTION double uniform01(std::uint64_t key, std::uint64_t n) {
  return static_cast<double>(mix64(key + n * 0x9E3779B97F4A7C15ULL) >> 11) * (1.0 / 9007199254740992.0);
}

/// Two independent standard normal numbers of stream `stream` (0, 1, ...) of the key. Marsaglia's polar
/// method: a pair of uniforms on [-1, 1)^2 is kept when it falls inside the unit disc (on average 1.27
/// pairs), then one logarithm and one square root give the two numbers, with no trigonometric function.
/// Stream s uses draws 64 (s + 1) + 0 .. 31; in the 2e-11 of cases where all 16 pairs miss the disc,
/// Box-Muller on draws 64 (s + 1) + 32, 33 gives the pair. Either way the pair is exactly normal.
KOKKOS_INLINE_FUNCTION void normal_pair(std::uint64_t key, int stream, double& a, double& b) {
  const std::uint64_t base = 64u * static_cast<std::uint64_t>(stream + 1);
  for (std::uint64_t attempt = 0; attempt < 16; ++attempt) {
    const double x = 2.0 * uniform01(key, base + 2 * attempt) - 1.0;
    const double y = 2.0 * uniform01(key, base + 2 * attempt + 1) - 1.0;
    const double s = x * x + y * y;
    if (s < 1.0 && s > 0.0) {
      const double f = km::sqrt(-2.0 * km::log(s) / s);
      a = x * f, b = y * f;
      return;
    }
  }
  const double u1 = 1.0 - uniform01(key, base + 32);  // (0, 1]: the log is finite
  const double r = km::sqrt(-2.0 * km::log(u1)), angle = 6.283185307179586 * uniform01(key, base + 33);
  a = r * km::cos(angle), b = r * km::sin(angle);
}

/// Zero-mean, unit-variance uniform number in [-sqrt 3, sqrt 3) (draw n).
KOKKOS_INLINE_FUNCTION double uniform_unit_variance(std::uint64_t key, std::uint64_t n) {
  return 1.7320508075688772 * (2.0 * uniform01(key, n) - 1.0);
}

}  // namespace hadal::plume
