// Classification and anomaly-detection metrics: accuracy, per-class precision / recall /
// F1, the confusion matrix, and ROC AUC.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinyops::train {

struct ClassMetrics {
  double precision = 0, recall = 0, f1 = 0;
  int64_t support = 0;  // true examples of the class
};

struct ClassificationReport {
  double accuracy = 0;
  std::vector<ClassMetrics> classes;
  std::vector<std::vector<int64_t>> confusion;  // [true][predicted]
  double macro_f1 = 0;
};

ClassificationReport classification_report(const std::vector<int32_t>& truth,
                                           const std::vector<int32_t>& predicted, int32_t classes);

// Area under the ROC curve of `scores` (higher = more anomalous) against `positive`
// (1 = anomaly): the probability that a random anomaly outscores a random normal example,
// ties counting half.
double roc_auc(const std::vector<double>& scores, const std::vector<int32_t>& positive);

// Index of the largest value (the predicted class).
int32_t argmax(const std::vector<float>& values);

// A text table: rows true class, columns predicted.
std::string confusion_text(const ClassificationReport& report, const std::vector<std::string>& names);

}  // namespace tinyops::train
