// SPDX-License-Identifier: MIT
#include "core/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>
#include <stdexcept>

namespace hadal::units {

namespace {

struct UnitDef {
  double scale;
  Dimension dim;
};

const std::map<std::string, UnitDef>& unit_table() {
  static const std::map<std::string, UnitDef> table = {
      // length
      {"m", {1.0, kLength}}, {"km", {1e3, kLength}}, {"cm", {1e-2, kLength}}, {"mm", {1e-3, kLength}},
      {"um", {1e-6, kLength}}, {"µm", {1e-6, kLength}}, {"nm", {1e-9, kLength}},
      // mass
      {"kg", {1.0, kMass}}, {"g", {1e-3, kMass}}, {"mg", {1e-6, kMass}}, {"t", {1e3, kMass}},
      // time
      {"s", {1.0, kTime}}, {"min", {60.0, kTime}}, {"h", {3600.0, kTime}}, {"d", {86400.0, kTime}},
      {"day", {86400.0, kTime}}, {"yr", {3.15576e7, kTime}}, {"kyr", {3.15576e10, kTime}},
      {"Myr", {3.15576e13, kTime}}, {"Gyr", {3.15576e16, kTime}},
      // temperature (absolute; degC handled as an offset below)
      {"K", {1.0, kTemperature}},
      // volume
      {"L", {1e-3, kVolume}}, {"l", {1e-3, kVolume}}, {"mL", {1e-6, kVolume}},
      // derived
      {"Pa", {1.0, kPressure}}, {"kPa", {1e3, kPressure}}, {"MPa", {1e6, kPressure}}, {"GPa", {1e9, kPressure}},
      {"bar", {1e5, kPressure}}, {"N", {1.0, kMass * kAcceleration}}, {"J", {1.0, kEnergy}},
      {"kJ", {1e3, kEnergy}}, {"MJ", {1e6, kEnergy}}, {"W", {1.0, kPower}}, {"kW", {1e3, kPower}},
      {"MW", {1e6, kPower}}, {"TW", {1e12, kPower}}, {"kWh", {3.6e6, kEnergy}}, {"Hz", {1.0, kFrequency}},
      {"rpm", {1.0 / 60.0, kFrequency}}, {"%", {0.01, kDimensionless}}, {"rad", {1.0, kDimensionless}},
      {"deg", {M_PI / 180.0, kDimensionless}},
  };
  return table;
}

// Parses one factor such as "m^3", "s-1", "kg" into (scale, dimension) raised to its power.
UnitDef parse_factor(const std::string& token, int sign, const std::string& whole) {
  std::string symbol = token;
  int power = 1;
  const auto caret = token.find('^');
  if (caret != std::string::npos) {
    symbol = token.substr(0, caret);
    const std::string p = token.substr(caret + 1);
    char* end = nullptr;
    power = static_cast<int>(std::strtol(p.c_str(), &end, 10));
    if (p.empty() || *end != '\0') throw std::invalid_argument("bad power '" + p + "' in unit '" + whole + "'");
  } else {
    // UDUNITS style trailing exponent: "s-1", "m2".
    std::size_t n = token.size();
    while (n > 0 && (std::isdigit(static_cast<unsigned char>(token[n - 1])) || token[n - 1] == '-')) --n;
    if (n < token.size() && n > 0) {
      symbol = token.substr(0, n);
      power = std::atoi(token.substr(n).c_str());
    }
  }
  const auto it = unit_table().find(symbol);
  if (it == unit_table().end()) {
    throw std::invalid_argument("unknown unit '" + symbol + "' in '" + whole + "' (known: " + known_units() + ")");
  }
  UnitDef result{1.0, {}};
  const int n = sign * power;
  result.scale = std::pow(it->second.scale, n);
  result.dim = {it->second.dim.length * n, it->second.dim.mass * n, it->second.dim.time * n,
                it->second.dim.temperature * n};
  return result;
}

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

}  // namespace

std::string Dimension::si_symbol() const {
  if (*this == kDimensionless) return "1";
  std::ostringstream out;
  const std::pair<const char*, int> parts[] = {{"kg", mass}, {"m", length}, {"s", time}, {"K", temperature}};
  bool first = true;
  for (const auto& [symbol, power] : parts) {
    if (power == 0) continue;
    if (!first) out << ' ';
    first = false;
    out << symbol;
    if (power != 1) out << power;
  }
  return out.str();
}

std::string known_units() {
  std::string list;
  for (const auto& [symbol, def] : unit_table()) {
    if (!list.empty()) list += ' ';
    list += symbol;
  }
  return list + " degC";
}

bool has_unit(const std::string& text) {
  const std::string t = trim(text);
  char* end = nullptr;
  std::strtod(t.c_str(), &end);
  return end != t.c_str() && !trim(end).empty();
}

Quantity parse_quantity(const std::string& text) {
  const std::string t = trim(text);
  char* end = nullptr;
  const double number = std::strtod(t.c_str(), &end);
  if (end == t.c_str()) throw std::invalid_argument("'" + text + "' is not a number with an optional unit");
  if (!std::isfinite(number)) throw std::invalid_argument("'" + text + "' is not a finite number");
  const std::string unit = trim(end);
  Quantity q{number, {}};
  if (unit.empty()) return q;
  if (unit == "degC" || unit == "°C") return {number + 273.15, kTemperature};

  // Split on '/', '*' and spaces; everything after a '/' is in the denominator of that factor only
  // ("W/m/K" = W m-1 K-1), as people write it.
  double scale = 1.0;
  Dimension dim{};
  std::size_t pos = 0;
  int sign = 1;
  while (pos < unit.size()) {
    const char c = unit[pos];
    if (c == '/' || c == '*' || c == ' ' || c == '.') {
      if (c == '/') sign = -1;
      if (c == '*' || c == '.') sign = 1;
      ++pos;
      continue;
    }
    std::size_t next = unit.find_first_of("/* ", pos);
    if (next == std::string::npos) next = unit.size();
    const UnitDef f = parse_factor(unit.substr(pos, next - pos), sign, unit);
    scale *= f.scale;
    dim = dim * f.dim;
    sign = 1;
    pos = next;
  }
  q.value = number * scale;
  q.dimension = dim;
  return q;
}

}  // namespace hadal::units
