// Loads an XDF file with libxdf (Debian libxdf-dev, one of the reference XDF readers) and prints
// what it found as JSON, so tests can check that files Entrain writes load in other tools.
#include <xdf.h>
#include <cstdio>
#include <string>

static std::string quoted(const std::string &text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  Xdf xdf;
  if (xdf.load_xdf(argv[1]) != 0) return 1;
  std::printf("{\"streams\":[");
  for (size_t s = 0; s < xdf.streams.size(); s++) {
    const auto &stream = xdf.streams[s];
    std::printf("%s{\"name\":%s,\"type\":%s,\"channelCount\":%d,\"channelFormat\":%s,\"nominalSrate\":%.17g,\"timestamps\":%zu",
                s ? "," : "", quoted(stream.info.name).c_str(), quoted(stream.info.type).c_str(), stream.info.channel_count,
                quoted(stream.info.channel_format).c_str(), stream.info.nominal_srate, stream.time_stamps.size());
    if (!stream.time_stamps.empty()) {
      std::printf(",\"firstTimestamp\":%.17g,\"lastTimestamp\":%.17g", stream.time_stamps.front(), stream.time_stamps.back());
    }
    if (!stream.time_series.empty() && !stream.time_series[0].empty()) {
      std::printf(",\"firstSample\":[");
      for (size_t c = 0; c < stream.time_series.size(); c++) std::printf("%s%.9g", c ? "," : "", stream.time_series[c].front());
      std::printf("],\"lastSample\":[");
      for (size_t c = 0; c < stream.time_series.size(); c++) std::printf("%s%.9g", c ? "," : "", stream.time_series[c].back());
      std::printf("]");
    }
    std::printf("}");
  }
  std::printf("],\"events\":[");
  for (size_t e = 0; e < xdf.eventMap.size(); e++) {
    std::printf("%s{\"text\":%s,\"time\":%.17g,\"stream\":%d}", e ? "," : "", quoted(xdf.eventMap[e].first.first).c_str(),
                xdf.eventMap[e].first.second, xdf.eventMap[e].second);
  }
  std::printf("]}\n");
  return 0;
}
