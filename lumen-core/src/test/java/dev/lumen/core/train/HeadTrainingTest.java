package dev.lumen.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestModels;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.cam.Cam;
import dev.lumen.core.image.Image;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.model.Task;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A linear head on a frozen backbone learns a separable task, and the written model is one CAM explains. */
class HeadTrainingTest {
  private static final List<String> LABELS = List.of("dots", "stripes");

  /** Grey 64 x 64 pictures of random dots (class 0) or horizontal stripes of random phase (class 1). */
  private static Image texture(int kind, Random random) {
    float[] px = new float[64 * 64];
    for (int i = 0; i < px.length; i++) {
      px[i] = 40 + random.nextInt(20);
    }
    if (kind == 0) {
      for (int d = 0; d < 40; d++) {
        int y = random.nextInt(62);
        int x = random.nextInt(62);
        px[y * 64 + x] = px[y * 64 + x + 1] = px[(y + 1) * 64 + x] = px[(y + 1) * 64 + x + 1] = 230;
      }
    } else {
      int phase = random.nextInt(8);
      for (int y = 0; y < 64; y++) {
        if ((y + phase) % 8 < 3) {
          for (int x = 0; x < 64; x++) {
            px[y * 64 + x] = 230;
          }
        }
      }
    }
    return Image.gray(kind == 0 ? "dots.png" : "stripes.png", px, 64, 64, 255f);
  }

  @Test
  void learnsASeparableTaskAndWritesAModelCamExplains(@TempDir Path tmp) throws IOException {
    try (Model backbone = Model.load(TestModels.model("resnet18"))) {
      String layer = backbone.defaultLayer();
      Random random = new Random(4);
      List<Image> images = new ArrayList<>();
      boolean[][] truth = new boolean[40][2];
      for (int i = 0; i < 40; i++) {
        images.add(texture(i % 2, random));
        truth[i][i % 2] = true;
      }
      float[][] features = PooledFeatures.of(backbone, layer, Layout.NCHW, images);
      LinearHead head = HeadTrainer.fit(features, truth, Task.MULTI_CLASS, LABELS, HeadTrainer.Settings.defaults(),
          Progress.none());
      assertTrue(head.validationAccuracy() >= 0.9, "validation accuracy " + head.validationAccuracy());

      Path file = tmp.resolve("textures.onnx");
      HeadExport.write(backbone, layer, Layout.NCHW, head, file);
      try (Model trained = Model.load(file)) {
        assertEquals(LABELS, trained.labels());
        assertEquals(Task.MULTI_CLASS, trained.task());
        int correct = 0;
        for (int i = 0; i < 20; i++) {
          Image test = texture(i % 2, random);
          Prediction p = trained.predict(test);
          correct += p.best().index() == i % 2 ? 1 : 0;
          double[] expected = head.probabilities(PooledFeatures.of(backbone, layer, Layout.NCHW, List.of(test))[0]);
          assertEquals(expected[1], p.score(1).probability(), 1e-4, "the written head computes the trained one");
        }
        assertTrue(correct >= 18, correct + " of 20 new studies right");
        assertEquals(layer, Cam.of(trained).layer(), "CAM explains the new head at the feature layer");
        Cam.of(trained).explain(texture(1, random));
      }
    }
  }

  /**
   * On a 3D CNN the pooled features are the layer's average over its whole volume (all three
   * spatial axes, not the largest of its depth slices), and the exported head computes the
   * trained one on a volume.
   */
  @Test
  void aHeadOnA3dCnnPoolsTheWholeVolume(@TempDir Path tmp) throws IOException {
    try (Model backbone = TestModels.volumetric("cnn3d", tmp)) {
      dev.lumen.core.explain.LayerChoice layer = dev.lumen.core.explain.LayerChoice.of(backbone);
      dev.lumen.core.image.Volume volume = TestModels.exam("cnn3d");
      Tensor map = backbone.run(backbone.preprocessor().toInput(volume.slices()), List.of(layer.layer()))
          .get(layer.layer());
      assertEquals(5, map.rank(), "[1, K, d, h, w]");
      int channels = map.dim(1);
      int voxels = map.size() / channels;
      float[] features = PooledFeatures.of(backbone, layer.layer(), layer.layout(), volume);
      for (int k = 0; k < channels; k++) {
        double sum = 0;
        for (int i = 0; i < voxels; i++) {
          sum += map.unsafeData()[k * voxels + i];
        }
        assertEquals(sum / voxels, features[k], 1e-5, "channel " + k);
      }
      Random random = new Random(6);
      float[][] weights = new float[2][channels];
      for (float[] row : weights) {
        for (int k = 0; k < channels; k++) {
          row[k] = (float) random.nextGaussian();
        }
      }
      LinearHead head = new LinearHead(weights, new float[] {0.1f, -0.2f}, Task.MULTI_CLASS, LABELS, 1, Double.NaN,
          Double.NaN);
      Path file = tmp.resolve("head3d.onnx");
      HeadExport.write(backbone, layer.layer(), layer.layout(), head, file);
      try (Model trained = Model.load(file)) {
        assertTrue(trained.input().volumetric());
        assertEquals(head.probabilities(features)[1], trained.predict(volume).score(1).probability(), 1e-5);
      }
    }
  }

  @Test
  void badLabelsAreRefused() {
    float[][] x = {{1, 2}, {3, 4}};
    boolean[][] twoTrue = {{true, true}, {false, false}};
    assertThrows(IllegalArgumentException.class, () -> HeadTrainer.fit(x, twoTrue, Task.MULTI_CLASS, LABELS,
        HeadTrainer.Settings.defaults(), Progress.none()));
    LinearHead multiLabel = HeadTrainer.fit(x, twoTrue, Task.MULTI_LABEL, LABELS,
        new HeadTrainer.Settings(50, 0.05, 0, 0, 5, true, 1), Progress.none());
    assertEquals(2, multiLabel.bias().length);
  }
}
