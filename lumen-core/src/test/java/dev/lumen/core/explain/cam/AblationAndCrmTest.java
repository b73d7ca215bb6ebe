package dev.lumen.core.explain.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AblationAndCrmTest {

  /** For GAP + linear logits, ablating map k lowers y_c by exactly w_ck * mean(F_k). */
  @Test
  void ablationWeightsFollowTheirDefinition() throws Exception {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Image image = TestImages.noise(224, 224);
      Explanation e = AblationCam.of(model).explain(image);
      Tensor features = model.run(model.preprocessor().toInput(List.of(image)), List.of(e.provenance().layer()))
          .get(e.provenance().layer());
      float[] f = features.unsafeData();
      Tensor w = model.head().weights().orElseThrow();
      int c = e.target().index();
      float logit = model.run(model.preprocessor().toInput(List.of(image)), List.of()).get(model.scoresName()).get(c);
      float[] expected = new float[49];
      for (int k = 0; k < 512; k++) {
        double mean = 0;
        for (int p = 0; p < 49; p++) {
          mean += f[k * 49 + p] / 49.0;
        }
        float weight = (float) (w.unsafeData()[c * 512 + k] * mean / logit);
        for (int p = 0; p < 49; p++) {
          expected[p] += weight * f[k * 49 + p];
        }
      }
      for (int p = 0; p < 49; p++) {
        expected[p] = Math.max(0, expected[p]);
      }
      TestModels.assertClose(Tensor.of(expected, 1, 7, 7), e.raw(), 2e-3, "Ablation-CAM");
    }
  }

  @Test
  void crmClosedFormEqualsExplicitRemoval() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Image image = TestImages.noise(224, 224);
      for (boolean combined : new boolean[] {false, true}) {
        Explanation closed = Crm.of(model, combined).explain(image, Targets.top(2)).get(1);
        Explanation runs = Crm.byHeadRuns(model, combined).explain(image, Targets.top(2)).get(1);
        TestModels.assertClose(runs.raw(), closed.raw(), 5e-3, "CRM combined=" + combined);
      }
    }
  }

  @Test
  void crmAndAblationRunOnAVolumeModel() {
    try (Model model = Model.load(TestModels.model("mrnet"))) {
      Volume exam = new Volume("exam.npy", List.of(TestImages.grey(256, 256, 1), TestImages.grey(256, 256, 2)));
      Explanation crm = Crm.of(model, false).explain(exam, Targets.top1()).get(0);
      Explanation ablation = AblationCam.of(model).explain(exam, Targets.top1()).get(0);
      assertEquals(2, crm.slices());
      assertEquals(2, ablation.slices());
      assertEquals(7, crm.raw().dim(2));
    }
  }

  /**
   * CRM of a 3D model removes one voxel at a time through every channel: PyTorch's squared drops
   * in float64, by the closed form (the head pools every voxel) and by running the head on each
   * copy, where float32's cancellation in a drop of a thousandth of the score leaves 1e-2.
   */
  @Test
  void crmOfA3dModelRemovesOneVoxelAtATime(@TempDir Path tmp) throws IOException {
    try (Model model = TestModels.volumetric("cnn3d", tmp)) {
      Volume exam = TestModels.exam("cnn3d");
      Tensor expected = TestModels.array("cnn3d", "crm");
      TestModels.assertClose(expected, Crm.of(model, false).explain(exam, Targets.top1()).get(0).raw(), 1e-4,
          "closed form");
      TestModels.assertClose(expected, Crm.byHeadRuns(model, false).explain(exam, Targets.top1()).get(0).raw(), 1e-2,
          "head runs");
    }
  }

  @Test
  void everyFeatureMethodFindsTheDemoNodule() throws Exception {
    Image study = dev.lumen.core.image.Images.read(demoFile("study-1-nodule.png"));
    try (Model model = Model.load(demoFile("chest-demo.onnx"))) {
      for (var explainer : List.of(Cam.of(model), AblationCam.of(model), Crm.of(model, false), ScoreCam.of(model))) {
        Explanation e = explainer.explain(study, Targets.labels(List.of("nodule"))).get(0);
        Tensor map = e.heatmap(0);
        int best = 0;
        for (int i = 0; i < map.size(); i++) {
          best = map.get(i) > map.get(best) ? i : best;
        }
        int y = best / map.dim(1);
        int x = best % map.dim(1);
        // The demo study's nodule is drawn around (x, y) = (197, 92) of 256 x 256; feature maps are 16 x 16.
        assertTrue(Math.abs(x - 197) < 25 && Math.abs(y - 92) < 25,
            explainer.method() + " peaks at " + x + "," + y);
      }
    }
  }

  static java.nio.file.Path demoFile(String name) {
    return java.nio.file.Path.of(System.getProperty("lumen.repoRoot", ".."))
        .resolve("lumen-app/src/main/resources/dev/lumen/app/demo").resolve(name);
  }
}
