package dev.lumen.core.explain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.SyntheticModels;
import dev.lumen.core.autodiff.Composite;
import dev.lumen.core.explain.cam.AblationCam;
import dev.lumen.core.explain.cam.Cam;
import dev.lumen.core.explain.cam.Crm;
import dev.lumen.core.explain.cam.EigenCam;
import dev.lumen.core.explain.cam.ScoreCam;
import dev.lumen.core.explain.fixations.CnnFixations;
import dev.lumen.core.explain.gradient.Baseline;
import dev.lumen.core.explain.gradient.CamFormula;
import dev.lumen.core.explain.gradient.DeepLift;
import dev.lumen.core.explain.gradient.EigenGradCam;
import dev.lumen.core.explain.gradient.FullGrad;
import dev.lumen.core.explain.gradient.GradientCam;
import dev.lumen.core.explain.gradient.GradientShap;
import dev.lumen.core.explain.gradient.GuidedGradCam;
import dev.lumen.core.explain.gradient.InputGradients;
import dev.lumen.core.explain.gradient.IntegratedGradients;
import dev.lumen.core.explain.gradient.Lrp;
import dev.lumen.core.explain.gradient.SmoothGrad;
import dev.lumen.core.explain.lime.FeatureSelection;
import dev.lumen.core.explain.lime.Hide;
import dev.lumen.core.explain.lime.Lime;
import dev.lumen.core.explain.lime.Segmentation;
import dev.lumen.core.explain.perturb.Fill;
import dev.lumen.core.explain.perturb.Occlusion;
import dev.lumen.core.explain.perturb.Rise;
import dev.lumen.core.explain.shapley.FeatureAblation;
import dev.lumen.core.explain.shapley.KernelShap;
import dev.lumen.core.explain.shapley.ShapleySampling;
import dev.lumen.core.image.Image;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a CNN whose score depends on one known region only, every method puts its peak in that region. */
class RegionRankingTest {
  private static final int SIZE = 32;
  private static final int TOP = 18;
  private static final int LEFT = 6;
  private static final int SIDE = 8;

  @Test
  void everyMethodRanksTheRegionFirst(@TempDir Path tmp) throws IOException {
    Path file = SyntheticModels.regionCnn(tmp.resolve("region-cnn.onnx"), SIZE, TOP, LEFT, SIDE, SIDE);
    try (Model model = Model.load(file)) {
      List<Explainer> methods = new ArrayList<>(List.of(Cam.of(model), AblationCam.of(model), ScoreCam.of(model),
          Crm.of(model, false), Crm.of(model, true), EigenCam.of(model), EigenGradCam.of(model),
          GuidedGradCam.of(model), FullGrad.of(model),
          IntegratedGradients.of(model, new IntegratedGradients.Settings(16, IntegratedGradients.Rule.GAUSS_LEGENDRE)),
          SmoothGrad.around(InputGradients.of(model, InputGradients.Kind.SALIENCY), SmoothGrad.Variant.MEAN,
              new SmoothGrad.Settings(8, 0.1, 1)),
          Occlusion.of(model, new Occlusion.Settings(4, 2, Fill.ZERO)),
          Rise.of(model, new Rise.Settings(500, 4, 0.5, 3)),
          Lime.of(model, new Lime.Settings(Segmentation.slic(16), Hide.ZERO, 300, 0.25, FeatureSelection.AUTO,
              Integer.MAX_VALUE, 2)),
          CnnFixations.of(model, CnnFixations.Settings.defaults()),
          DeepLift.of(model, Baseline.ZERO), DeepLift.shap(model, DeepLift.Settings.deepLiftShap()),
          GradientShap.of(model, new GradientShap.Settings(List.of(Baseline.ZERO, Baseline.BLACK), 16, 0.05, 1)),
          KernelShap.of(model, new KernelShap.Settings(Segmentation.slic(16), Hide.ZERO, 300, 2)),
          FeatureAblation.of(model, Segmentation.slic(16), Hide.ZERO),
          ShapleySampling.of(model, new ShapleySampling.Settings(Segmentation.slic(16), Hide.ZERO, 8, 2))));
      for (CamFormula f : CamFormula.values()) {
        methods.add(GradientCam.of(model, f));
      }
      for (InputGradients.Kind k : InputGradients.Kind.values()) {
        methods.add(InputGradients.of(model, k));
      }
      for (Composite.Kind k : Composite.Kind.values()) {
        methods.add(Lrp.of(model, k, Lrp.Settings.defaults()));
      }
      Image image = squareOnBlack();
      for (Explainer method : methods) {
        Tensor map = method.explain(image).heatmap(0);
        int best = 0;
        for (int i = 0; i < map.size(); i++) {
          best = map.get(i) > map.get(best) ? i : best;
        }
        int y = best / SIZE;
        int x = best % SIZE;
        assertTrue(y >= TOP && y < TOP + SIDE && x >= LEFT && x < LEFT + SIDE,
            method.method() + " peaks at " + x + "," + y + ", outside the region");
      }
    }
  }

  /** A faint textured square where the model looks, on black: superpixels follow its edge. */
  private static Image squareOnBlack() {
    float[] px = new float[SIZE * SIZE];
    java.util.Random random = new java.util.Random(1);
    for (int y = TOP; y < TOP + SIDE; y++) {
      for (int x = LEFT; x < LEFT + SIDE; x++) {
        px[y * SIZE + x] = 30 + random.nextInt(20);
      }
    }
    return Image.gray("square.png", px, SIZE, SIZE, 255f);
  }
}
