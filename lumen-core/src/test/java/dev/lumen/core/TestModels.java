package dev.lumen.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.image.Images;
import dev.lumen.core.image.Volume;
import dev.lumen.core.io.Npy;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The models scripts/make-test-models.py exports (torchvision architectures, an MRNet-style
 * volume model, a Keras-style NHWC model, 3D CNNs with their exams) with PyTorch's reference numbers.
 */
public final class TestModels {
  private TestModels() {}

  /** The folder, from the {@code lumen.testModels} system property the build sets. */
  public static Path dir() {
    Path dir = Path.of(System.getProperty("lumen.testModels", "build/test-models"));
    assertTrue(Files.isRegularFile(dir.resolve("resnet18.onnx")),
        "test models missing in " + dir + ": run scripts/test.sh (or scripts/make-test-models.py " + dir + ")");
    return dir;
  }

  /** {@code NAME.onnx}. */
  public static Path model(String name) {
    return dir().resolve(name + ".onnx");
  }

  /** {@code NAME.SUFFIX.npy} as a tensor (suffix: input, scores, cam). */
  public static Tensor array(String name, String suffix) {
    return Npy.read(dir().resolve(name + "." + suffix + ".npy")).tensor();
  }

  /** Asserts two tensors have one shape and agree to {@code relative} of the larger's scale. */
  public static void assertClose(Tensor expected, Tensor actual, double relative, String what) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    double scale = 1e-12;
    for (int i = 0; i < expected.size(); i++) {
      scale = Math.max(scale, Math.abs(expected.get(i)));
    }
    double worst = 0;
    for (int i = 0; i < expected.size(); i++) {
      worst = Math.max(worst, Math.abs(expected.get(i) - actual.get(i)) / scale);
    }
    assertTrue(worst <= relative, what + ": largest difference is " + worst + " of the scale " + scale);
  }

  /**
   * The 3D CNN {@code name} with a card that feeds its exam's values as they are (unit scale, no
   * normalisation, stretched), written into {@code tmp}.
   */
  public static Model volumetric(String name, Path tmp) throws IOException {
    Path card = Files.writeString(tmp.resolve(name + ".lumen.json"), "{\"labels\": [" + labels(name)
        + "], \"task\": \"multi-class\", \"preprocessing\": {\"scale\": \"unit\", \"resize\": \"stretch\"}}");
    return Model.load(model(name), ModelCard.read(card), EngineOptions.defaults());
  }

  private static String labels(String name) {
    int n = array(name, "scores").size();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : ", ").append("\"class").append(i).append('"');
    }
    return s.toString();
  }

  /** The exam of a 3D model's references ({@code NAME.volume.npy}). */
  public static Volume exam(String name) {
    Path file = dir().resolve(name + ".volume.npy");
    return Images.readNpyVolume(file);
  }
}
