// SPDX-License-Identifier: MIT
#include "core/profiling.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <chrono>
#include <map>

#include "core/log.hpp"

namespace hadal::profiling {

namespace {
bool timing = false;
std::vector<std::string> stack;         ///< paths of the open regions
std::vector<Entry> recorded;            ///< in first-entered order
std::map<std::string, std::size_t> index_of;

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
}  // namespace

void enable(bool on) { timing = on; }
bool enabled() { return timing; }

void reset() {
  recorded.clear();
  index_of.clear();
}

Region::Region(const char* name) {
  Kokkos::Profiling::pushRegion(name);
  const std::string path = stack.empty() ? std::string(name) : stack.back() + "/" + name;
  stack.push_back(path);
  if (timing) {
    // Listed in the order first entered, so a parent comes before its children.
    if (index_of.find(path) == index_of.end()) {
      index_of[path] = recorded.size();
      recorded.push_back({path, 0, 0.0});
    }
    Kokkos::fence();  // what was launched before belongs to the enclosing region
    timed_ = true;
    start_ = now();
  }
}

Region::~Region() {
  if (timed_) {
    Kokkos::fence();
    auto& entry = recorded[index_of.at(stack.back())];
    entry.calls += 1;
    entry.seconds += now() - start_;
  }
  stack.pop_back();
  Kokkos::Profiling::popRegion();
}

std::vector<Entry> entries() { return recorded; }

std::string table(MPI_Comm comm, double total_seconds) {
  // Ranks may have entered different regions (rank-0-only output): agree on the union of the paths.
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::string names;
  for (const auto& e : recorded) names += e.path + '\n';
  int length = static_cast<int>(names.size());
  std::vector<int> lengths(static_cast<std::size_t>(size));
  MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, comm);
  std::vector<int> offsets(static_cast<std::size_t>(size), 0);
  for (int r = 1; r < size; ++r) offsets[r] = offsets[r - 1] + lengths[r - 1];
  std::string all(static_cast<std::size_t>(offsets.back() + lengths.back()), '\0');
  MPI_Allgatherv(names.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, comm);
  std::vector<std::string> paths;
  for (std::size_t begin = 0, end; (end = all.find('\n', begin)) != std::string::npos; begin = end + 1) {
    const std::string path = all.substr(begin, end - begin);
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
  }
  // Children right after their parent: order by the first-entered positions of each ancestor.
  auto key = [&](const std::string& path) {
    std::vector<std::size_t> k;
    for (std::size_t cut = path.find('/'); ; cut = path.find('/', cut + 1)) {
      const std::string prefix = path.substr(0, cut);
      const auto at = std::find(paths.begin(), paths.end(), prefix);
      k.push_back(static_cast<std::size_t>(at - paths.begin()));
      if (cut == std::string::npos) break;
    }
    return k;
  };
  std::stable_sort(paths.begin(), paths.end(), [&](const std::string& a, const std::string& b) { return key(a) < key(b); });
  std::string text = strformat("%-52s %9s %11s %7s\n", "region (max over ranks)", "calls", "seconds", "share");
  for (const auto& path : paths) {
    const auto found = index_of.find(path);
    double seconds = found == index_of.end() ? 0.0 : recorded[found->second].seconds;
    double calls = found == index_of.end() ? 0.0 : static_cast<double>(recorded[found->second].calls);
    MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, comm);
    MPI_Allreduce(MPI_IN_PLACE, &calls, 1, MPI_DOUBLE, MPI_MAX, comm);
    const auto depth = static_cast<int>(std::count(path.begin(), path.end(), '/'));
    const std::string label = std::string(static_cast<std::size_t>(2 * depth), ' ') + path.substr(path.rfind('/') + 1);
    text += strformat("%-52s %9.0f %11.3f %6.1f%%\n", label.c_str(), calls, seconds,
                      total_seconds > 0.0 ? 100.0 * seconds / total_seconds : 0.0);
  }
  return text;
}

}  // namespace hadal::profiling
