package dev.lumen.core.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lumen.core.image.Image;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

  @Test
  void imagenetNormalisationOfAConstantColour() {
    InputSpec spec = new InputSpec("x", 4, Layout.NCHW, Channels.RGB, 4, 4, false);
    Image red = new Image("red.png", constant(3, 8, 8, new float[] {255, 0, 51}), 255f);
    Tensor t = new Preprocessor(Preprocessing.imagenet(), spec).toInput(List.of(red));
    assertArrayEquals(new long[] {1, 3, 4, 4}, t.shape());
    assertEquals((1f - 0.485f) / 0.229f, t.get(0), 1e-5);
    assertEquals((0f - 0.456f) / 0.224f, t.get(16), 1e-5);
    assertEquals((0.2f - 0.406f) / 0.225f, t.get(32), 1e-5);
  }

  @Test
  void greyImagesFillEveryChannelAndBgrSwaps() {
    InputSpec bgr = new InputSpec("x", 4, Layout.NCHW, Channels.BGR, 2, 2, false);
    Image colour = new Image("c.png", constant(3, 2, 2, new float[] {10, 20, 30}), 255f);
    Tensor t = new Preprocessor(Preprocessing.raw(), bgr).toInput(List.of(colour));
    assertEquals(30f, t.get(0), 1e-5);
    assertEquals(10f, t.get(8), 1e-5);
    InputSpec rgb = new InputSpec("x", 4, Layout.NCHW, Channels.RGB, 2, 2, false);
    Image grey = new Image("g.png", constant(1, 2, 2, new float[] {100}), 255f);
    Tensor g = new Preprocessor(Preprocessing.raw(), rgb).toInput(List.of(grey));
    assertArrayEquals(new float[] {100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100}, g.toArray());
  }

  @Test
  void colourToGreyUsesLumaWeights() {
    InputSpec spec = new InputSpec("x", 4, Layout.NCHW, Channels.GRAYSCALE, 1, 1, false);
    Image colour = new Image("c.png", constant(3, 1, 1, new float[] {100, 200, 50}), 255f);
    Tensor t = new Preprocessor(Preprocessing.raw(), spec).toInput(List.of(colour));
    assertEquals(0.299f * 100 + 0.587f * 200 + 0.114f * 50, t.get(0), 1e-3);
  }

  @Test
  void nhwcPutsChannelsLast() {
    InputSpec spec = new InputSpec("x", 4, Layout.NHWC, Channels.RGB, 2, 1, false);
    Image img = new Image("c.png", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 1, 2), 255f);
    Tensor t = new Preprocessor(Preprocessing.raw(), spec).toInput(List.of(img));
    assertArrayEquals(new long[] {1, 1, 2, 3}, t.shape());
    assertArrayEquals(new float[] {1, 3, 5, 2, 4, 6}, t.toArray());
  }

  @Test
  void minmaxScalesOverTheWholeVolumeThenNormalises() {
    InputSpec spec = new InputSpec("x", 5, Layout.NCHW, Channels.RGB, 2, 1, true);
    Image a = Image.gray("a", new float[] {10, 20}, 2, 1, 255f);
    Image b = Image.gray("b", new float[] {30, 50}, 2, 1, 255f);
    Preprocessing mrnet = Preprocessing.minmax().withMeanStd(new float[] {58.09f}, new float[] {49.73f});
    Tensor t = new Preprocessor(mrnet, spec).toInput(List.of(a, b));
    assertArrayEquals(new long[] {1, 2, 3, 1, 2}, t.shape());
    assertEquals((0f - 58.09f) / 49.73f, t.get(0), 1e-5);
    assertEquals((255f - 58.09f) / 49.73f, t.get(t.size() - 1), 1e-5);
    assertEquals((255f * 10 / 40 - 58.09f) / 49.73f, t.get(1), 1e-5);
  }

  @Test
  void cropGeometryFollowsTorchvisionResizeAndCentreCrop() {
    InputSpec spec = new InputSpec("x", 4, Layout.NCHW, Channels.RGB, 224, 224, false);
    Preprocessing p = Preprocessing.imagenet().withResize(Resize.CROP, 256);
    Image wide = new Image("w.png", Tensor.zeros(3, 300, 400), 255f);
    Geometry g = new Preprocessor(p, spec).geometry(wide);
    assertEquals(new Geometry(400, 300, 341, 256, 58, 16, 224, 224), g);
  }

  @Test
  void sourceToFeatureInvertsInputToSource() {
    Geometry g = new Geometry(400, 300, 341, 256, 58, 16, 224, 224);
    // The centre of input pixel 100 lies at source x = inputToSource(100); a 224-wide "feature
    // grid" over the input must place that source position back at 100.
    double sx = g.inputToSourceX().apply(100);
    AxisMap back = g.sourceToFeatureX(224);
    assertEquals(100, back.scale() * sx + back.offset(), 1e-9);
  }

  private static Tensor constant(int c, int h, int w, float[] perChannel) {
    float[] px = new float[c * h * w];
    for (int i = 0; i < px.length; i++) {
      px[i] = perChannel[i / (h * w)];
    }
    return Tensor.of(px, c, h, w);
  }
}
