package dev.lumen.core.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestModels;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.preprocess.DepthAxis;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 3D convolutional models ({@code [N, C, D, H, W]}: a small MONAI-style CNN and torchvision's
 * r3d_18) against PyTorch in float64 ({@code scripts/make-test-models.py}): the exam resampled
 * trilinearly to the input, the scores, and the maps of the methods that explain them.
 */
class VolumetricModelTest {
  private static final List<String> MODELS = List.of("cnn3d", "r3d_18");


  /**
   * CAM and Grad-CAM at the default layer: the raw maps are PyTorch's {@code [d, h, w]} (Grad-CAM's
   * weights averaged over the whole volume of the gradients), and Grad-CAM's heat map is its
   * volume-normalised map resampled trilinearly to the exam, as F.interpolate does.
   */
  @Test
  void camAndGradCamAreAutogradsIn3d(@TempDir Path tmp) throws IOException {
    for (String name : MODELS) {
      try (Model model = TestModels.volumetric(name, tmp)) {
        Volume volume = TestModels.exam(name);
        Explanation cam = dev.lumen.core.explain.cam.Cam.of(model).explain(volume, Targets.top1()).get(0);
        TestModels.assertClose(TestModels.array(name, "cam"), cam.raw(), 1e-4, name + " CAM");
        Explanation gradcam = dev.lumen.core.explain.gradient.GradientCam.of(model,
            dev.lumen.core.explain.gradient.CamFormula.GRADCAM).explain(volume, Targets.top1()).get(0);
        TestModels.assertClose(TestModels.array(name, "gradcam"), gradcam.raw(), 1e-4, name + " Grad-CAM");
        TestModels.assertClose(TestModels.array(name, "heat"), gradcam.heatmap(), 1e-4, name + " Grad-CAM heat map");
        assertEquals(volume.depth(), gradcam.slices(), "one heat map slice per slice of the exam");
      }
    }
  }

  /**
   * Input gradients of a 3D model are autograd's (float64), read slice by slice of the input's
   * depth: within 1e-3 relative L2, or on r3d_18 — where 27-tap 3D kernels over hundreds of
   * channels accumulate float32 rounding — no further from it than PyTorch's own float32 autograd.
   */
  @Test
  void inputGradientsAreAutogradsIn3d(@TempDir Path tmp) throws IOException {
    for (String name : MODELS) {
      try (Model model = TestModels.volumetric(name, tmp)) {
        Explanation saliency = dev.lumen.core.explain.gradient.InputGradients.of(model,
            dev.lumen.core.explain.gradient.InputGradients.Kind.SALIENCY).explain(TestModels.exam(name), Targets.top1()).get(0);
        Tensor expected = DepthAxis.first(TestModels.array(name, "grad_input"));
        double torch32 = relativeL2(expected, DepthAxis.first(TestModels.array(name, "grad_input32")));
        double lumen = relativeL2(expected, saliency.attribution().orElseThrow());
        assertTrue(lumen <= Math.max(1e-3, torch32), name + ": relative L2 error " + lumen + ", PyTorch float32's "
            + torch32);
      }
    }
  }

  /**
   * A 3D model's sensitivity is Yeh et al.'s over the whole volume: each copy moves every voxel of
   * every slice by the seeded uniform noise, slice by slice, and its raw map is compared whole.
   */
  @Test
  void sensitivityOfA3dMapMovesEveryVoxelAndComparesTheWholeMap(@TempDir Path tmp) throws IOException {
    try (Model model = TestModels.volumetric("cnn3d", tmp)) {
      Volume volume = TestModels.exam("cnn3d");
      Explainer saliency = dev.lumen.core.explain.gradient.InputGradients.of(model,
          dev.lumen.core.explain.gradient.InputGradients.Kind.SALIENCY);
      var robustness = dev.lumen.core.quality.Robustness.of(saliency, volume, 1, 3, 0.05, 7);
      Targets target = Targets.labels(List.of("1"));
      float[] base = saliency.explain(volume, target).get(0).raw().toArray();
      java.util.Random random = new java.util.Random(7);
      double sum = 0;
      double max = 0;
      for (int s = 0; s < 3; s++) {
        List<dev.lumen.core.image.Image> slices = new java.util.ArrayList<>();
        for (dev.lumen.core.image.Image slice : volume.slices()) {
          float[] px = slice.pixels().toArray();
          for (int i = 0; i < px.length; i++) {
            px[i] += (random.nextFloat() * 2 - 1) * (float) (0.05 * slice.maxValue());
          }
          slices.add(new dev.lumen.core.image.Image(slice.source(), Tensor.of(px, slice.pixels().shape()),
              slice.maxValue()));
        }
        float[] moved = saliency.explain(new Volume(volume.source(), slices), target).get(0).raw().toArray();
        double d = 0;
        double n = 0;
        for (int i = 0; i < base.length; i++) {
          d += (double) (moved[i] - base[i]) * (moved[i] - base[i]);
          n += (double) base[i] * base[i];
        }
        sum += Math.sqrt(d / n);
        max = Math.max(max, Math.sqrt(d / n));
      }
      assertEquals(sum / 3, robustness.average(), 1e-9);
      assertEquals(max, robustness.maximum(), 1e-9);
      assertTrue(robustness.average() > 0, "the noise moves the saliency of a nonlinear 3D model");
    }
  }

  /**
   * The sanity check of a 3D model re-draws its learned layers from the top and compares the
   * whole volumes: the first step's similarities are recomputed by hand on the model with its
   * dense layer re-drawn (Spearman over every voxel of the raw maps, SSIM the mean over the heat
   * map's slices, HOG over the slices' descriptors end to end), and with every layer re-drawn
   * Grad-CAM's map no longer ranks the voxels as it did.
   */
  @Test
  void theSanityCheckOfA3dModelComparesWholeVolumes(@TempDir Path tmp) throws IOException {
    try (Model model = TestModels.volumetric("cnn3d", tmp)) {
      Volume volume = TestModels.exam("cnn3d");
      java.util.function.Function<Model, Explainer> gradcam = m -> dev.lumen.core.explain.gradient.GradientCam.of(m,
          dev.lumen.core.explain.gradient.CamFormula.GRADCAM);
      Explanation original = gradcam.apply(model).explain(volume, Targets.top1()).get(0);
      var finding = dev.lumen.core.quality.Finding.of(() -> volume, String.valueOf(original.target().index()));
      var steps = dev.lumen.core.quality.SanityCheck.cascading(model, gradcam, List.of(finding), List.of(original), 0,
          0, Progress.none());
      var layers = dev.lumen.core.quality.ParameterRandomisation.layers(model.graph());
      assertEquals(layers.size(), steps.size(), "one step per learned layer");
      try (Model top = model.withGraph(dev.lumen.core.quality.ParameterRandomisation.randomised(model.graph(),
          layers.subList(layers.size() - 1, layers.size()), 0), "top re-drawn")) {
        Explanation redrawn = finding.explain(gradcam.apply(top));
        float[] a = original.raw().toArray();
        float[] b = redrawn.raw().toArray();
        double ssim = 0;
        float[][] heatA = new float[volume.depth()][];
        float[][] heatB = new float[volume.depth()][];
        int width = volume.slices().get(0).width();
        for (int s = 0; s < volume.depth(); s++) {
          heatA[s] = original.heatmap(s).toArray();
          heatB[s] = redrawn.heatmap(s).toArray();
          ssim += dev.lumen.core.quality.MapSimilarity.ssim(heatA[s], heatB[s], width) / volume.depth();
        }
        var first = steps.get(0).similarity();
        assertEquals(layers.get(layers.size() - 1).name(), steps.get(0).layer());
        assertEquals(dev.lumen.core.quality.MapSimilarity.spearman(a, b), first.spearman(), 1e-12);
        assertEquals(dev.lumen.core.quality.MapSimilarity.spearmanOfAbsolute(a, b), first.spearmanOfAbsolute(), 1e-12);
        assertEquals(ssim, first.ssim(), 1e-12);
        assertEquals(dev.lumen.core.quality.MapSimilarity.hog(heatA, heatB, width), first.hog(), 1e-12);
      }
      double last = steps.get(steps.size() - 1).similarity().spearmanOfAbsolute();
      assertTrue(last < 0.9, "Grad-CAM of the fully re-drawn model ranks the voxels otherwise: " + last);
    }
  }

  private static double relativeL2(Tensor expected, Tensor actual) {
    assertEquals(expected.size(), actual.size());
    double error = 0;
    double norm = 0;
    for (int i = 0; i < expected.size(); i++) {
      double d = expected.get(i) - actual.get(i);
      error += d * d;
      norm += (double) expected.get(i) * expected.get(i);
    }
    return Math.sqrt(error / norm);
  }

  /** Integrated gradients on the 3D CNN are complete: they sum to the logit's rise from the zero baseline. */
  @Test
  void integratedGradientsIn3dAreComplete(@TempDir Path tmp) throws IOException {
    try (Model model = TestModels.volumetric("cnn3d", tmp)) {
      Volume volume = TestModels.exam("cnn3d");
      var settings = new dev.lumen.core.explain.gradient.IntegratedGradients.Settings(64,
          dev.lumen.core.explain.gradient.IntegratedGradients.Rule.GAUSS_LEGENDRE,
          dev.lumen.core.explain.gradient.Baseline.ZERO, 1);
      Explanation e = dev.lumen.core.explain.gradient.IntegratedGradients.of(model, settings)
          .explain(volume, Targets.top1()).get(0);
      double sum = 0;
      for (float v : e.attribution().orElseThrow().unsafeData()) {
        sum += v;
      }
      Tensor input = model.preprocessor().toInput(volume.slices());
      int top = e.target().index();
      float atInput = model.run(input, List.of()).get(model.scoresName()).unsafeData()[top];
      float atZero = model.run(Tensor.zeros(input.shape()), List.of()).get(model.scoresName()).unsafeData()[top];
      assertEquals(atInput - atZero, sum, 1e-3 * Math.max(1, Math.abs(atInput - atZero)), "completeness");
    }
  }

  /** Occlusion with 3D windows: cubes slide through the volume, each voxel credited with the drops of its cubes. */
  @Test
  void occlusionSlidesCubesThroughTheVolume(@TempDir Path tmp) throws IOException {
    try (Model model = TestModels.volumetric("cnn3d", tmp)) {
      var occlusion = dev.lumen.core.explain.perturb.Occlusion.of(model,
          new dev.lumen.core.explain.perturb.Occlusion.Settings(8, 4, dev.lumen.core.explain.perturb.Fill.ZERO));
      Explanation e = occlusion.explain(TestModels.exam("cnn3d"), Targets.top1()).get(0);
      TestModels.assertClose(TestModels.array("cnn3d", "occlusion"), e.raw(), 1e-4, "3D occlusion");
    }
  }

  /** Ablation-CAM and Score-CAM: a channel ablated, or the input masked by its upsampled map, through the volume. */
  @Test
  void ablationAndScoreCamWorkOnTheWholeVolume(@TempDir Path tmp) throws IOException {
    try (Model model = TestModels.volumetric("cnn3d", tmp)) {
      Explanation ablation = dev.lumen.core.explain.cam.AblationCam.of(model).explain(TestModels.exam("cnn3d"), Targets.top1())
          .get(0);
      TestModels.assertClose(TestModels.array("cnn3d", "ablationcam"), ablation.raw(), 1e-4, "3D Ablation-CAM");
      Explanation score = dev.lumen.core.explain.cam.ScoreCam.of(model).explain(TestModels.exam("cnn3d"), Targets.top1()).get(0);
      TestModels.assertClose(TestModels.array("cnn3d", "scorecam"), score.raw(), 1e-4, "3D Score-CAM");
    }
  }

  /**
   * Eigen-CAM and Eigen-Grad-CAM of a 3D layer take one principal component of all its voxels
   * (pytorch-grad-cam's flattening), not one per depth slice: PyTorch's SVD of {@code F} and
   * {@code G * F} in float64.
   */
  @Test
  void eigenCamsProjectTheWholeVolumeOnOneComponent(@TempDir Path tmp) throws IOException {
    for (String name : MODELS) {
      try (Model model = TestModels.volumetric(name, tmp)) {
        Volume volume = TestModels.exam(name);
        Explanation eigen = dev.lumen.core.explain.cam.EigenCam.of(model).explain(volume, Targets.top1()).get(0);
        TestModels.assertClose(TestModels.array(name, "eigencam"), eigen.raw(), 1e-4, name + " Eigen-CAM");
        Explanation eigenGrad = dev.lumen.core.explain.gradient.EigenGradCam.of(model).explain(volume, Targets.top1())
            .get(0);
        TestModels.assertClose(TestModels.array(name, "eigengradcam"), eigenGrad.raw(), 1e-3, name + " Eigen-Grad-CAM");
        assertEquals(volume.depth(), eigenGrad.slices(), "one heat map slice per slice of the exam");
      }
    }
  }

  /**
   * Guided Grad-CAM is guided backpropagation's volume times Grad-CAM's upsampled trilinearly, and
   * FullGrad's terms are normalised and resized over three axes: both against PyTorch (guided
   * ReLUs by backward hooks; FullGrad's bias terms on the model as exported, batch normalisation
   * folded into its convolution).
   */
  @Test
  void guidedGradCamAndFullGradAreAutogradsIn3d(@TempDir Path tmp) throws IOException {
    try (Model model = TestModels.volumetric("cnn3d", tmp)) {
      Volume volume = TestModels.exam("cnn3d");
      Explanation guided = dev.lumen.core.explain.gradient.GuidedGradCam.of(model).explain(volume, Targets.top1())
          .get(0);
      TestModels.assertClose(TestModels.array("cnn3d", "guidedgradcam"), guided.raw(), 1e-4, "3D Guided Grad-CAM");
      assertEquals(volume.depth(), guided.slices(), "one heat map slice per slice of the exam");
      Explanation fullGrad = dev.lumen.core.explain.gradient.FullGrad.of(model).explain(volume, Targets.top1()).get(0);
      TestModels.assertClose(TestModels.array("cnn3d", "fullgrad"), fullGrad.raw(), 1e-4, "3D FullGrad");
    }
  }

  /**
   * CNN-Fixations traces a 3D CNN through its 3D convolutions and pooling: on a model that sees
   * only a box of the volume every fixation is a voxel of the box, in three dimensions, and the
   * heat map (a 3D density, resampled to the exam) peaks in it; the MONAI-style test model and
   * torchvision's R3D-18 trace to their inputs.
   */
  @Test
  void cnnFixationsTraceA3dModelToVoxelsOfTheVolume(@TempDir Path tmp) throws IOException {
    int[] box = {2, 5, 18, 26, 6, 14};
    Path file = dev.lumen.core.SyntheticModels.regionCnn3d(tmp.resolve("box.onnx"), 8, 32, box);
    List<dev.lumen.core.image.Image> slices = new java.util.ArrayList<>();
    for (int s = 0; s < 8; s++) {
      slices.add(dev.lumen.core.TestImages.grey(32, 32, s + 1));
    }
    Volume exam = new Volume("box.npy", slices);
    try (Model model = Model.load(file)) {
      assertTrue(model.input().volumetric());
      var fixations = dev.lumen.core.explain.fixations.CnnFixations.of(model,
          dev.lumen.core.explain.fixations.CnnFixations.Settings.defaults());
      var r = fixations.explainDetailed(exam, Targets.top1()).get(0);
      assertTrue(r.points().size() >= 10, r.points().size() + " fixations");
      java.util.Set<Integer> depths = new java.util.HashSet<>();
      for (int[] p : r.points()) {
        assertTrue(p[0] >= box[0] && p[0] < box[1] && p[1] >= box[2] && p[1] < box[3] && p[2] >= box[4]
            && p[2] < box[5], "fixation at slice " + p[0] + ", " + p[2] + "," + p[1]);
        depths.add(p[0]);
      }
      assertTrue(depths.size() > 1, "the fixations lie on several slices: " + depths);
      Explanation e = r.explanation();
      assertEquals(8, e.slices());
      float[] heat = e.heatmap().toArray();
      int best = 0;
      for (int i = 0; i < heat.length; i++) {
        best = heat[i] > heat[best] ? i : best;
      }
      int z = best / (32 * 32);
      int y = best / 32 % 32;
      int x = best % 32;
      assertTrue(z >= box[0] && z < box[1] && y >= box[2] && y < box[3] && x >= box[4] && x < box[5],
          "heat peak at slice " + z + ", " + x + "," + y);
    }
    for (String name : List.of("cnn3d", "r3d_18")) {
      try (Model model = TestModels.volumetric(name, tmp)) {
        var fixations = dev.lumen.core.explain.fixations.CnnFixations.of(model,
            dev.lumen.core.explain.fixations.CnnFixations.Settings.defaults());
        var r = fixations.explainDetailed(TestModels.exam(name), Targets.top1()).get(0);
        assertFalse(r.points().isEmpty(), name + " traces to its input");
        assertEquals(TestModels.exam(name).depth(), r.explanation().slices(), name);
      }
    }
  }


  @Test
  void theExamIsResampledAndScoredAsPyTorchDoes(@TempDir Path tmp) throws IOException {
    for (String name : MODELS) {
      try (Model model = TestModels.volumetric(name, tmp)) {
        assertTrue(model.input().volumetric(), name + " is read as a 3D model");
        Volume volume = TestModels.exam(name);
        Tensor input = model.preprocessor().toInput(volume.slices());
        TestModels.assertClose(TestModels.array(name, "input"), input, 1e-5, name + " input");
        float[] logits = model.run(input, List.of()).get(model.scoresName()).unsafeData();
        TestModels.assertClose(TestModels.array(name, "scores"), Tensor.of(logits, 1, logits.length), 1e-4,
            name + " scores");
        assertEquals(model.predict(volume).scores().size(), logits.length);
      }
    }
  }
}
