package dev.lumen.core.explain.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.preprocess.Bilinear;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreCamTest {
  /** Channels with equal activations are scored once: two all-zero channels and a repeated one. */
  @Test
  void channelsWithEqualActivationsShareOnePass() {
    try (Model model = Model.load(AblationAndCrmTest.demoFile("chest-demo.onnx"))) {
      float[] values = {0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 1, 2, 3, 4, 1, 2, 3, 5};
      var distinct = ScoreCam.of(model).distinctChannels(Tensor.of(values, 1, 5, 2, 2));
      org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 1, 4}, distinct.representatives());
      org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 1, 0, 1, 2}, distinct.group());
    }
  }

  /** Masks, scores and weights recomputed here one channel at a time through plain model runs. */
  @Test
  void followsItsDefinitionOnTheDemoModel() {
    try (Model model = Model.load(AblationAndCrmTest.demoFile("chest-demo.onnx"))) {
      Image image = TestImages.grey(256, 256, 4);
      Explanation e = ScoreCam.of(model).explain(image, Targets.labels(List.of("nodule"))).get(0);
      Tensor input = model.preprocessor().toInput(List.of(image));
      Tensor f = model.run(input, List.of(e.provenance().layer())).get(e.provenance().layer());
      int k = f.dim(1);
      int h = f.dim(2);
      int w = f.dim(3);
      float[] scores = new float[k];
      for (int ch = 0; ch < k; ch++) {
        float[] plane = new float[h * w];
        System.arraycopy(f.unsafeData(), ch * h * w, plane, 0, h * w);
        float[] mask = Maps.minMax(Bilinear.resize(plane, w, h, 128, 128));
        float[] x = input.toArray();
        for (int i = 0; i < x.length; i++) {
          x[i] *= mask[i];
        }
        scores[ch] = model.run(Tensor.of(x, input.shape()), List.of()).get(model.scoresName()).get(1);
      }
      double sum = 0;
      for (float s : scores) {
        sum += Math.exp(s);
      }
      float[] expected = new float[h * w];
      for (int ch = 0; ch < k; ch++) {
        float alpha = (float) (Math.exp(scores[ch]) / sum);
        for (int p = 0; p < h * w; p++) {
          expected[p] += alpha * f.unsafeData()[ch * h * w + p];
        }
      }
      for (int p = 0; p < expected.length; p++) {
        expected[p] = Math.max(0, expected[p]);
      }
      TestModels.assertClose(Tensor.of(expected, 1, h, w), e.raw(), 1e-4, "Score-CAM");
    }
  }

  @Test
  void scoresWholeExamsOfVolumeModels() {
    try (Model model = Model.load(TestModels.model("mrnet_opset11"))) {
      Volume exam = new Volume("exam.npy", List.of(TestImages.grey(224, 224, 1), TestImages.grey(224, 224, 2)));
      Explanation e = ScoreCam.of(model).explain(exam, Targets.top1()).get(0);
      assertEquals(2, e.slices());
      assertEquals(6, e.raw().dim(2));
    }
  }
}
