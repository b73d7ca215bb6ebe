package dev.lumen.core.explain.gradient;

/**
 * How gradient-weighted CAM methods combine one slice's activations {@code A} and gradients
 * {@code G} (both {@code [K][h*w]}) into a map {@code [h*w]}; the final ReLU is applied by
 * {@link GradientCam}. Definitions follow the papers and pytorch-grad-cam's implementation.
 */
public enum CamFormula {
  /**
   * Grad-CAM (Selvaraju et al., ICCV 2017): {@code w_k = mean_p G_k(p)},
   * {@code map = sum_k w_k A_k}.
   */
  GRADCAM("gradcam") {
    @Override
    float[] map(float[][] a, float[][] g) {
      float[] w = new float[a.length];
      for (int k = 0; k < a.length; k++) {
        w[k] = (float) (sum(g[k]) / g[k].length);
      }
      return weighted(a, w);
    }
  },
  /**
   * Grad-CAM++ (Chattopadhay et al., WACV 2018) with the exponential-score closed form:
   * {@code alpha = G^2 / (2 G^2 + sum_p A_k * G^3)} (0 where {@code G = 0}),
   * {@code w_k = sum_p alpha ReLU(G)}.
   */
  GRADCAM_PLUS_PLUS("gradcam++") {
    @Override
    float[] map(float[][] a, float[][] g) {
      float[] w = new float[a.length];
      for (int k = 0; k < a.length; k++) {
        double sumA = sum(a[k]);
        double weight = 0;
        for (int p = 0; p < g[k].length; p++) {
          double gp = g[k][p];
          if (gp != 0) {
            double g2 = gp * gp;
            double alpha = g2 / (2 * g2 + sumA * g2 * gp + 1e-6);
            weight += alpha * Math.max(gp, 0);
          }
        }
        w[k] = (float) weight;
      }
      return weighted(a, w);
    }
  },
  /** XGrad-CAM (Fu et al., BMVC 2020): {@code w_k = sum_p G_k A_k / (sum_p A_k + eps)}. */
  XGRADCAM("xgradcam") {
    @Override
    float[] map(float[][] a, float[][] g) {
      float[] w = new float[a.length];
      for (int k = 0; k < a.length; k++) {
        double dot = 0;
        for (int p = 0; p < a[k].length; p++) {
          dot += (double) a[k][p] * g[k][p];
        }
        w[k] = (float) (dot / (sum(a[k]) + 1e-7));
      }
      return weighted(a, w);
    }
  },
  /** HiResCAM (Draelos &amp; Carin 2020): {@code map = sum_k G_k ⊙ A_k}, faithful to the score's gradient. */
  HIRESCAM("hirescam") {
    @Override
    float[] map(float[][] a, float[][] g) {
      return elementwise(a, g, false, false);
    }
  },
  /** Grad-CAM element-wise (pytorch-grad-cam): {@code map = sum_k ReLU(G_k ⊙ A_k)}. */
  GRADCAM_ELEMENTWISE("gradcam-elementwise") {
    @Override
    float[] map(float[][] a, float[][] g) {
      return elementwise(a, g, false, true);
    }
  },
  /** LayerCAM (Jiang et al., IEEE TIP 2021): {@code map = sum_k ReLU(G_k) ⊙ A_k}. */
  LAYERCAM("layercam") {
    @Override
    float[] map(float[][] a, float[][] g) {
      return elementwise(a, g, true, false);
    }
  };

  private final String method;

  CamFormula(String method) {
    this.method = method;
  }

  /** The method's name, as {@code lumen explain --method} takes it. */
  public String method() {
    return method;
  }

  /** The map of one slice before the final ReLU. */
  abstract float[] map(float[][] a, float[][] g);

  private static double sum(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return s;
  }

  private static float[] weighted(float[][] a, float[] w) {
    float[] out = new float[a[0].length];
    for (int k = 0; k < a.length; k++) {
      for (int p = 0; p < out.length; p++) {
        out[p] += w[k] * a[k][p];
      }
    }
    return out;
  }

  private static float[] elementwise(float[][] a, float[][] g, boolean reluGradient, boolean reluProduct) {
    float[] out = new float[a[0].length];
    for (int k = 0; k < a.length; k++) {
      for (int p = 0; p < out.length; p++) {
        float gp = reluGradient ? Math.max(g[k][p], 0) : g[k][p];
        float v = gp * a[k][p];
        out[p] += reluProduct ? Math.max(v, 0) : v;
      }
    }
    return out;
  }
}
