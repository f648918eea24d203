// SPDX-License-Identifier: MIT
#include "grid/field.hpp"

#include <cmath>
#include <limits>

namespace hadal::grid {

Field::Field(const StructuredGrid& grid, std::string name, std::string units, std::string long_name, int nk)
    : grid_(&grid),
      name_(std::move(name)),
      units_(std::move(units)),
      long_name_(std::move(long_name)),
      nk_(nk < 0 ? grid.nz() : nk),
      view_(name_, grid.local_ni(), grid.local_nj(), nk_) {}

void Field::fill(double value) { Kokkos::deep_copy(view_, value); }

namespace {

using Buffer = Kokkos::View<double*>;

// Copies the box [i0,i0+ni) x [j0,j0+nj) x [0,nk) of `v` into/out of a flat buffer.
void pack(const Field::View& v, const Buffer& buffer, int i0, int ni, int j0, int nj, int nk) {
  Kokkos::parallel_for(
      "halo_pack", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({0, 0, 0}, {ni, nj, nk}),
      KOKKOS_LAMBDA(int i, int j, int k) { buffer((i * nj + j) * nk + k) = v(i0 + i, j0 + j, k); });
}

void unpack(const Field::View& v, const Buffer& buffer, int i0, int ni, int j0, int nj, int nk) {
  Kokkos::parallel_for(
      "halo_unpack", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({0, 0, 0}, {ni, nj, nk}),
      KOKKOS_LAMBDA(int i, int j, int k) { v(i0 + i, j0 + j, k) = buffer((i * nj + j) * nk + k); });
}

// One direction: send the strips next to both edges, receive the halos on both sides. MPI goes through
// host mirrors (a no-op on host memory spaces).
void exchange_direction(const Field::View& v, MPI_Comm comm, int low_rank, int high_rank, bool along_x, int g,
                        int n_owned, int other_begin, int other_count, int nk) {
  const std::size_t size = static_cast<std::size_t>(g) * other_count * nk;
  if (size == 0) return;
  // Every element is written before it is read: skip the zero fill.
  auto buffer = [size](const std::string& label) {
    return Buffer(Kokkos::view_alloc(Kokkos::WithoutInitializing, label), size);
  };
  const Buffer send_low = buffer("send_low"), send_high = buffer("send_high"), recv_low = buffer("recv_low"),
               recv_high = buffer("recv_high");
  auto box = [&](const Buffer& b, int start, bool packing) {
    if (along_x) {
      packing ? pack(v, b, start, g, other_begin, other_count, nk) : unpack(v, b, start, g, other_begin, other_count, nk);
    } else {
      packing ? pack(v, b, other_begin, other_count, start, g, nk) : unpack(v, b, other_begin, other_count, start, g, nk);
    }
  };
  // Owned cells start at g; low strip [g, 2g), high strip [n_owned, n_owned + g).
  box(send_low, g, true);
  box(send_high, n_owned, true);
  Kokkos::fence();
  auto h_send_low = Kokkos::create_mirror_view(send_low);
  auto h_send_high = Kokkos::create_mirror_view(send_high);
  auto h_recv_low = Kokkos::create_mirror_view(recv_low);
  auto h_recv_high = Kokkos::create_mirror_view(recv_high);
  Kokkos::deep_copy(h_send_low, send_low);
  Kokkos::deep_copy(h_send_high, send_high);
  const int count = static_cast<int>(size);
  MPI_Sendrecv(h_send_high.data(), count, MPI_DOUBLE, high_rank, 11, h_recv_low.data(), count, MPI_DOUBLE, low_rank,
               11, comm, MPI_STATUS_IGNORE);
  MPI_Sendrecv(h_send_low.data(), count, MPI_DOUBLE, low_rank, 12, h_recv_high.data(), count, MPI_DOUBLE, high_rank,
               12, comm, MPI_STATUS_IGNORE);
  if (low_rank != MPI_PROC_NULL) {
    Kokkos::deep_copy(recv_low, h_recv_low);
    box(recv_low, 0, false);
  }
  if (high_rank != MPI_PROC_NULL) {
    Kokkos::deep_copy(recv_high, h_recv_high);
    box(recv_high, n_owned + g, false);
  }
  Kokkos::fence();
}

}  // namespace

void Field::exchange_halo() {
  const auto& g = *grid_;
  const int w = g.ghost();
  const int ni = g.owned().ni(), nj = g.owned().nj();
  // x first over owned rows, then y over full rows including the x halo: corners come along.
  exchange_direction(view_, g.comm(), g.rank_west(), g.rank_east(), true, w, ni, w, nj, nk_);
  exchange_direction(view_, g.comm(), g.rank_south(), g.rank_north(), false, w, nj, 0, ni + 2 * w, nk_);
}

std::vector<double> Field::owned_block() const {
  const auto& g = *grid_;
  const int w = g.ghost(), ni = g.owned().ni(), nj = g.owned().nj();
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), view_);
  std::vector<double> block(static_cast<std::size_t>(ni) * nj * nk_);
  for (int k = 0; k < nk_; ++k)
    for (int j = 0; j < nj; ++j)
      for (int i = 0; i < ni; ++i) block[(static_cast<std::size_t>(k) * nj + j) * ni + i] = host(i + w, j + w, k);
  return block;
}

void Field::set_owned_block(const std::vector<double>& block) {
  const auto& g = *grid_;
  const int w = g.ghost(), ni = g.owned().ni(), nj = g.owned().nj();
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), view_);
  for (int k = 0; k < nk_; ++k)
    for (int j = 0; j < nj; ++j)
      for (int i = 0; i < ni; ++i) host(i + w, j + w, k) = block[(static_cast<std::size_t>(k) * nj + j) * ni + i];
  Kokkos::deep_copy(view_, host);
}

double Field::integral() const {
  const auto& g = *grid_;
  const int w = g.ghost();
  const auto v = view_;
  const auto dz = g.dz_view();
  const bool map = nk_ == 1 && g.nz() != 1;
  const auto dx = g.dx_local_view(), dy = g.dy_local_view();
  double local = 0.0;
  Kokkos::parallel_reduce(
      "field_integral",
      Kokkos::MDRangePolicy<Kokkos::Rank<3>>({w, w, 0}, {w + g.owned().ni(), w + g.owned().nj(), nk_}),
      KOKKOS_LAMBDA(int i, int j, int k, double& sum) { sum += v(i, j, k) * (dx(i) * dy(j)) * (map ? 1.0 : dz(k)); },
      local);
  return global_sum(g.comm(), local);
}

double Field::max_abs() const {
  const auto& g = *grid_;
  const int w = g.ghost();
  const auto v = view_;
  double local = 0.0;
  Kokkos::parallel_reduce(
      "field_max_abs",
      Kokkos::MDRangePolicy<Kokkos::Rank<3>>({w, w, 0}, {w + g.owned().ni(), w + g.owned().nj(), nk_}),
      KOKKOS_LAMBDA(int i, int j, int k, double& m) {
        const double a = v(i, j, k) < 0 ? -v(i, j, k) : v(i, j, k);
        if (a > m) m = a;
      },
      Kokkos::Max<double>(local));
  return global_max(g.comm(), local);
}

std::array<int, 3> Field::first_non_finite() const {
  const auto& g = *grid_;
  const int w = g.ghost(), ni = g.owned().ni(), nj = g.owned().nj(), nk = nk_;
  const auto v = view_;
  long first = std::numeric_limits<long>::max();
  Kokkos::parallel_reduce(
      "field_non_finite", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({0, 0, 0}, {ni, nj, nk}),
      KOKKOS_LAMBDA(int i, int j, int k, long& m) {
        const double x = v(i + w, j + w, k);
        if (!(x - x == 0.0)) {  // NaN or Inf
          const long index = (static_cast<long>(k) * nj + j) * ni + i;
          if (index < m) m = index;
        }
      },
      Kokkos::Min<long>(first));
  if (first == std::numeric_limits<long>::max()) return {-1, -1, -1};
  const int i = static_cast<int>(first % ni), j = static_cast<int>((first / ni) % nj),
            k = static_cast<int>(first / (static_cast<long>(ni) * nj));
  return {g.global_i(i + w), g.global_j(j + w), k};
}

}  // namespace hadal::grid
