package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.GraphEmitter;
import java.util.List;

/**
 * How gradient-weighted CAM methods combine a layer's activations {@code A} ({@code [N, ...]})
 * and the gradients {@code G} of K targets ({@code [K, N, ...]}) into maps {@code [K, N, h, w]},
 * written as ONNX nodes appended to the gradient graph, so the maps come out of the same run.
 * The final ReLU is added by {@link CamGraph}. Definitions follow the papers and
 * pytorch-grad-cam's implementation; sums run over the positions {@code p} of one map.
 */
public enum CamFormula {
  /**
   * Grad-CAM (Selvaraju et al., ICCV 2017): {@code w_k = mean_p G_k(p)},
   * {@code map = sum_k w_k A_k}.
   */
  GRADCAM("gradcam") {
    @Override
    String emit(GraphEmitter e, String a, String g, CamAxes axes) {
      String w = e.op("Mul", List.of(e.reduceSum(g, axes.gradientPlane(), true), e.scalar(1f / axes.positions())));
      return e.reduceSum(e.op("Mul", List.of(w, a)), axes.gradientChannel(), false);
    }
  },
  /**
   * Grad-CAM++ (Chattopadhay et al., WACV 2018) with the exponential-score closed form:
   * {@code alpha = G^2 / (2 G^2 + sum_p A_k * G^3)}, {@code w_k = sum_p alpha ReLU(G)}.
   */
  GRADCAM_PLUS_PLUS("gradcam++") {
    @Override
    String emit(GraphEmitter e, String a, String g, CamAxes axes) {
      String g2 = e.op("Mul", List.of(g, g));
      String g3 = e.op("Mul", List.of(g2, g));
      String sumA = e.reduceSum(a, axes.activationPlane(), true);
      String denominator = e.op("Add", List.of(e.op("Add", List.of(e.op("Mul", List.of(g2, e.scalar(2))),
          e.op("Mul", List.of(sumA, g3)))), e.scalar(1e-6f)));
      String alpha = e.op("Div", List.of(g2, denominator));
      String w = e.reduceSum(e.op("Mul", List.of(e.op("Relu", List.of(g)), alpha)), axes.gradientPlane(), true);
      return e.reduceSum(e.op("Mul", List.of(w, a)), axes.gradientChannel(), false);
    }
  },
  /** XGrad-CAM (Fu et al., BMVC 2020): {@code w_k = sum_p G_k A_k / (sum_p A_k + 1e-7)}. */
  XGRADCAM("xgradcam") {
    @Override
    String emit(GraphEmitter e, String a, String g, CamAxes axes) {
      String dot = e.reduceSum(e.op("Mul", List.of(g, a)), axes.gradientPlane(), true);
      String total = e.op("Add", List.of(e.reduceSum(a, axes.activationPlane(), true), e.scalar(1e-7f)));
      String w = e.op("Div", List.of(dot, total));
      return e.reduceSum(e.op("Mul", List.of(w, a)), axes.gradientChannel(), false);
    }
  },
  /** HiResCAM (Draelos &amp; Carin 2020): {@code map = sum_k G_k ⊙ A_k}. */
  HIRESCAM("hirescam") {
    @Override
    String emit(GraphEmitter e, String a, String g, CamAxes axes) {
      return e.reduceSum(e.op("Mul", List.of(g, a)), axes.gradientChannel(), false);
    }
  },
  /** Grad-CAM element-wise (pytorch-grad-cam): {@code map = sum_k ReLU(G_k ⊙ A_k)}. */
  GRADCAM_ELEMENTWISE("gradcam-elementwise") {
    @Override
    String emit(GraphEmitter e, String a, String g, CamAxes axes) {
      return e.reduceSum(e.op("Relu", List.of(e.op("Mul", List.of(g, a)))), axes.gradientChannel(), false);
    }
  },
  /** LayerCAM (Jiang et al., IEEE TIP 2021): {@code map = sum_k ReLU(G_k) ⊙ A_k}. */
  LAYERCAM("layercam") {
    @Override
    String emit(GraphEmitter e, String a, String g, CamAxes axes) {
      return e.reduceSum(e.op("Mul", List.of(e.op("Relu", List.of(g)), a)), axes.gradientChannel(), false);
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

  /** Emits the map before the final ReLU and returns its name. */
  abstract String emit(GraphEmitter e, String a, String g, CamAxes axes);
}
