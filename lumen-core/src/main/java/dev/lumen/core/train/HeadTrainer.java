package dev.lumen.core.train;

import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Trains a linear head on pooled features, as the CAM paper recommends for a frozen backbone:
 * softmax cross-entropy (multi-class) or per-label sigmoid cross-entropy (multi-label), with L2
 * on the weights, optional class weights against imbalance, full-batch Adam, and a seeded
 * validation split with early stopping (the weights of the best validation loss are kept).
 * Features are standardised while training and the scaling is folded into the weights returned.
 */
public final class HeadTrainer {

  /**
   * @param epochs the most epochs
   * @param learningRate Adam's step
   * @param l2 the weight penalty
   * @param validation the share of studies held out (0: none, no early stopping)
   * @param patience epochs without a better validation loss before stopping
   * @param balanced weigh classes by inverse frequency (multi-label: positives by negatives/positives)
   * @param seed the split's seed
   */
  public record Settings(int epochs, double learningRate, double l2, double validation, int patience,
                         boolean balanced, long seed) {
    public Settings {
      if (epochs < 1 || learningRate <= 0 || l2 < 0 || validation < 0 || validation >= 1 || patience < 1) {
        throw new IllegalArgumentException("head training needs epochs >= 1, a positive learning rate, l2 >= 0, "
            + "a validation share in [0, 1) and patience >= 1");
      }
    }

    /** 500 epochs, step 0.05, L2 1e-3, 20 % validation, patience 30, unweighted, seed 0. */
    public static Settings defaults() {
      return new Settings(500, 0.05, 1e-3, 0.2, 30, false, 0);
    }
  }

  private HeadTrainer() {}

  /** The task labels like {@code truth} ask for: multi-class when every study has exactly one label. */
  public static Task taskFor(boolean[][] truth) {
    for (boolean[] row : truth) {
      int count = 0;
      for (boolean b : row) {
        count += b ? 1 : 0;
      }
      if (count != 1) {
        return Task.MULTI_LABEL;
      }
    }
    return Task.MULTI_CLASS;
  }

  /**
   * Fails unless the training studies show every label present and absent (every class at least
   * once for multi-class): a label seen one way only would train a head that always answers it.
   */
  private static void requireBothOutcomes(boolean[][] y, List<Integer> training, Task task, List<String> labels) {
    List<String> problems = new ArrayList<>();
    for (int c = 0; c < labels.size(); c++) {
      int positives = 0;
      for (int i : training) {
        positives += y[i][c] ? 1 : 0;
      }
      if (positives == 0) {
        problems.add("'" + labels.get(c) + "' has no positive example");
      } else if (positives == training.size() && task != Task.MULTI_CLASS) {
        problems.add("'" + labels.get(c) + "' has no negative example");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("cannot train a head: among the " + training.size()
          + " training studies " + String.join(", ", problems) + " (add studies, or lower the validation share)");
    }
  }

  /**
   * Trains on {@code x} ({@code [studies][features]}) and {@code y} ({@code [studies][classes]}).
   *
   * @throws IllegalArgumentException for empty data, rows of different lengths, or multi-class rows
   *     without exactly one true class, or training studies where a label is never present or
   *     never absent
   */
  public static LinearHead fit(float[][] x, boolean[][] y, Task task, List<String> labels, Settings settings,
                               Progress progress) {
    int n = x.length;
    if (n < 2 || y.length != n) {
      throw new IllegalArgumentException("head training needs at least 2 studies with labels, got " + n);
    }
    int features = x[0].length;
    int classes = labels.size();
    if (task == Task.MULTI_CLASS) {
      for (int i = 0; i < n; i++) {
        int count = 0;
        for (boolean b : y[i]) {
          count += b ? 1 : 0;
        }
        if (count != 1) {
          throw new IllegalArgumentException("study " + i + " has " + count + " true classes; multi-class needs one");
        }
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(settings.seed()));
    int held = settings.validation() > 0 ? Math.max(1, (int) Math.round(settings.validation() * n)) : 0;
    List<Integer> validation = order.subList(0, held);
    List<Integer> training = order.subList(held, n);
    requireBothOutcomes(y, training, task, labels);

    double[] mean = new double[features];
    double[] scale = new double[features];
    for (int i : training) {
      for (int k = 0; k < features; k++) {
        mean[k] += x[i][k] / training.size();
      }
    }
    for (int i : training) {
      for (int k = 0; k < features; k++) {
        scale[k] += (x[i][k] - mean[k]) * (x[i][k] - mean[k]) / training.size();
      }
    }
    for (int k = 0; k < features; k++) {
      scale[k] = Math.sqrt(scale[k]) + 1e-6;
    }
    double[][] z = new double[n][features];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < features; k++) {
        z[i][k] = (x[i][k] - mean[k]) / scale[k];
      }
    }
    double[] weightOf = classWeights(y, training, task, settings.balanced(), classes);

    double[][] w = new double[classes][features];
    double[] b = new double[classes];
    Adam adam = new Adam(classes * (features + 1), settings.learningRate());
    double[][] bestW = copy(w);
    double[] bestB = b.clone();
    double best = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    int epoch = 0;
    while (epoch < settings.epochs()) {
      epoch++;
      double[] gradient = new double[classes * (features + 1)];
      for (int i : training) {
        double[] p = activate(logits(w, b, z[i]), task);
        for (int c = 0; c < classes; c++) {
          double target = y[i][c] ? 1 : 0;
          double sampleWeight = task == Task.MULTI_CLASS ? weightOf[trueClass(y[i])] : (y[i][c] ? weightOf[c] : 1);
          double g = sampleWeight * (p[c] - target) / training.size();
          for (int k = 0; k < features; k++) {
            gradient[c * (features + 1) + k] += g * z[i][k];
          }
          gradient[c * (features + 1) + features] += g;
        }
      }
      for (int c = 0; c < classes; c++) {
        for (int k = 0; k < features; k++) {
          gradient[c * (features + 1) + k] += settings.l2() * w[c][k];
        }
      }
      adam.step(w, b, gradient);
      List<Integer> judged = validation.isEmpty() ? training : validation;
      double loss = loss(w, b, z, y, judged, task);
      if (loss < best - 1e-9) {
        best = loss;
        bestW = copy(w);
        bestB = b.clone();
        bestEpoch = epoch;
      } else if (!validation.isEmpty() && epoch - bestEpoch >= settings.patience()) {
        break;
      }
      progress.advance("head training epochs", epoch, settings.epochs());
    }
    double accuracy = accuracy(bestW, bestB, z, y, validation.isEmpty() ? training : validation, task);
    float[][] foldedW = new float[classes][features];
    float[] foldedB = new float[classes];
    for (int c = 0; c < classes; c++) {
      double bias = bestB[c];
      for (int k = 0; k < features; k++) {
        foldedW[c][k] = (float) (bestW[c][k] / scale[k]);
        bias -= bestW[c][k] * mean[k] / scale[k];
      }
      foldedB[c] = (float) bias;
    }
    return new LinearHead(foldedW, foldedB, task, List.copyOf(labels), epoch,
        validation.isEmpty() ? Double.NaN : best, accuracy);
  }

  /** Softmax or per-class sigmoid of logits. */
  static double[] activate(double[] z, Task task) {
    double[] p = new double[z.length];
    if (task == Task.MULTI_CLASS) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (int c = 0; c < z.length; c++) {
        p[c] = Math.exp(z[c] - max);
        sum += p[c];
      }
      for (int c = 0; c < z.length; c++) {
        p[c] /= sum;
      }
    } else {
      for (int c = 0; c < z.length; c++) {
        p[c] = 1 / (1 + Math.exp(-z[c]));
      }
    }
    return p;
  }

  private static double[] logits(double[][] w, double[] b, double[] f) {
    double[] z = new double[b.length];
    for (int c = 0; c < b.length; c++) {
      double v = b[c];
      for (int k = 0; k < f.length; k++) {
        v += w[c][k] * f[k];
      }
      z[c] = v;
    }
    return z;
  }

  private static double loss(double[][] w, double[] b, double[][] z, boolean[][] y, List<Integer> rows, Task task) {
    double total = 0;
    for (int i : rows) {
      double[] p = activate(logits(w, b, z[i]), task);
      for (int c = 0; c < p.length; c++) {
        if (task == Task.MULTI_CLASS) {
          total -= y[i][c] ? Math.log(Math.max(p[c], 1e-12)) : 0;
        } else {
          total -= y[i][c] ? Math.log(Math.max(p[c], 1e-12)) : Math.log(Math.max(1 - p[c], 1e-12));
        }
      }
    }
    return total / rows.size();
  }

  private static double accuracy(double[][] w, double[] b, double[][] z, boolean[][] y, List<Integer> rows, Task task) {
    double correct = 0;
    for (int i : rows) {
      double[] p = activate(logits(w, b, z[i]), task);
      if (task == Task.MULTI_CLASS) {
        int top = 0;
        for (int c = 1; c < p.length; c++) {
          top = p[c] > p[top] ? c : top;
        }
        correct += y[i][top] ? 1 : 0;
      } else {
        for (int c = 0; c < p.length; c++) {
          correct += (p[c] >= 0.5) == y[i][c] ? 1.0 / p.length : 0;
        }
      }
    }
    return correct / rows.size();
  }

  /** Multi-class: {@code n / (classes * n_c)} per class; multi-label: negatives / positives per label. */
  private static double[] classWeights(boolean[][] y, List<Integer> rows, Task task, boolean balanced, int classes) {
    double[] weights = new double[classes];
    java.util.Arrays.fill(weights, 1);
    if (!balanced) {
      return weights;
    }
    for (int c = 0; c < classes; c++) {
      int positives = 0;
      for (int i : rows) {
        positives += y[i][c] ? 1 : 0;
      }
      if (positives > 0) {
        weights[c] = task == Task.MULTI_CLASS ? (double) rows.size() / (classes * positives)
            : (double) (rows.size() - positives) / positives;
      }
    }
    return weights;
  }

  private static int trueClass(boolean[] row) {
    for (int c = 0; c < row.length; c++) {
      if (row[c]) {
        return c;
      }
    }
    return 0;
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  /** Adam (Kingma &amp; Ba 2015) over the weights and biases laid out row by row, bias last. */
  private static final class Adam {
    private final double[] m;
    private final double[] v;
    private final double rate;
    private int t;

    Adam(int size, double rate) {
      this.m = new double[size];
      this.v = new double[size];
      this.rate = rate;
    }

    void step(double[][] w, double[] b, double[] gradient) {
      t++;
      int features = w[0].length;
      for (int i = 0; i < gradient.length; i++) {
        m[i] = 0.9 * m[i] + 0.1 * gradient[i];
        v[i] = 0.999 * v[i] + 0.001 * gradient[i] * gradient[i];
        double mHat = m[i] / (1 - Math.pow(0.9, t));
        double vHat = v[i] / (1 - Math.pow(0.999, t));
        double delta = rate * mHat / (Math.sqrt(vHat) + 1e-8);
        int c = i / (features + 1);
        int k = i % (features + 1);
        if (k == features) {
          b[c] -= delta;
        } else {
          w[c][k] -= delta;
        }
      }
    }
  }
}
