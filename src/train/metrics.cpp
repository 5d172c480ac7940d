#include "tinyops/train/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "tinyops/core/error.hpp"

namespace tinyops::train {

ClassificationReport classification_report(const std::vector<int32_t>& truth,
                                           const std::vector<int32_t>& predicted, int32_t classes) {
  require(truth.size() == predicted.size(), "metrics: truth and predictions differ in count");
  ClassificationReport r;
  const size_t k = static_cast<size_t>(classes);
  r.confusion.assign(k, std::vector<int64_t>(k, 0));
  int64_t correct = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    r.confusion.at(static_cast<size_t>(truth[i])).at(static_cast<size_t>(predicted[i])) += 1;
    correct += truth[i] == predicted[i];
  }
  r.accuracy = truth.empty() ? 0 : static_cast<double>(correct) / static_cast<double>(truth.size());
  r.classes.resize(k);
  for (size_t c = 0; c < k; ++c) {
    int64_t tp = r.confusion[c][c], predicted_c = 0, true_c = 0;
    for (size_t o = 0; o < k; ++o) {
      predicted_c += r.confusion[o][c];
      true_c += r.confusion[c][o];
    }
    ClassMetrics& m = r.classes[c];
    m.support = true_c;
    m.precision = predicted_c ? static_cast<double>(tp) / static_cast<double>(predicted_c) : 0;
    m.recall = true_c ? static_cast<double>(tp) / static_cast<double>(true_c) : 0;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
    r.macro_f1 += m.f1 / static_cast<double>(k);
  }
  return r;
}

double roc_auc(const std::vector<double>& scores, const std::vector<int32_t>& positive) {
  require(scores.size() == positive.size(), "AUC: scores and labels differ in count");
  // Rank-sum (Mann-Whitney U) with average ranks for ties.
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  std::vector<double> rank(scores.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && scores[order[j + 1]] == scores[order[i]]) ++j;
    const double average = (static_cast<double>(i) + static_cast<double>(j)) / 2 + 1;
    for (size_t t = i; t <= j; ++t) rank[order[t]] = average;
    i = j + 1;
  }
  double positives = 0, rank_sum = 0;
  for (size_t i = 0; i < scores.size(); ++i)
    if (positive[i]) {
      positives += 1;
      rank_sum += rank[i];
    }
  const double negatives = static_cast<double>(scores.size()) - positives;
  require(positives > 0 && negatives > 0, "AUC needs both normal and anomalous examples");
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

int32_t argmax(const std::vector<float>& values) {
  return static_cast<int32_t>(std::max_element(values.begin(), values.end()) - values.begin());
}

std::string confusion_text(const ClassificationReport& r, const std::vector<std::string>& names) {
  size_t width = 8;
  for (const auto& n : names) width = std::max(width, n.size() + 1);
  std::string s = fmt::format("{:>{}}", "true \\ predicted", width + 8);
  for (const auto& n : names) s += fmt::format("{:>{}}", n, width);
  s += fmt::format("{:>10}\n", "recall");
  for (size_t t = 0; t < r.confusion.size(); ++t) {
    s += fmt::format("{:>{}}", t < names.size() ? names[t] : std::to_string(t), width + 8);
    for (int64_t v : r.confusion[t]) s += fmt::format("{:>{}}", v, width);
    s += fmt::format("{:>9.1f}%\n", 100 * r.classes[t].recall);
  }
  return s;
}

}  // namespace tinyops::train
