package dev.lumen.core.explain.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CamTest {

  /** PyTorch computed F with a forward hook and sum_k w_ck F_k with the head's weights. */
  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "mobilenet_v2", "densenet121", "squeezenet1_1", "multilabel14", "mrnet",
      "mrnet_opset11", "keras_style", "keras_style_opset17"})
  void camEqualsPyTorchsActivationsTimesHeadWeights(String name) {
    Tensor input = TestModels.array(name, "input");
    Tensor expected = TestModels.array(name, "cam");  // [classes, slices, h, w]
    try (Model model = Model.load(TestModels.model(name))) {
      Cam cam = Cam.of(model);
      Tensor features = model.run(input, List.of(cam.layer())).get(cam.layer());
      List<Tensor> maps = new ArrayList<>();
      for (int c = 0; c < expected.dim(0); c++) {
        List<Tensor> slices = new ArrayList<>();
        for (int s = 0; s < features.dim(0); s++) {
          slices.add(cam.classMap(features.slice(s), c));
        }
        maps.add(Tensor.stack(slices));
      }
      TestModels.assertClose(expected, Tensor.stack(maps), 1e-4, name);
    }
  }

  @Test
  void explainDefaultsToTopPredictedLabelAndReturnsImageSpaceMaps() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Image image = TestImages.noise(300, 200);
      Explanation e = Cam.of(model).explain(image);
      assertEquals(model.predict(image).best(), e.target());
      assertEquals(List.of(1L, 7L, 7L), List.of(e.raw().shape()[0], e.raw().shape()[1], e.raw().shape()[2]));
      assertEquals(List.of(1L, 200L, 300L), List.of(e.heatmap().shape()[0], e.heatmap().shape()[1], e.heatmap().shape()[2]));
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (float v : e.heatmap().unsafeData()) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      assertTrue(min >= 0f && max <= 1f && max > 0.9f, "normalised to [0, 1]: " + min + ".." + max);
      assertEquals("cam", e.provenance().method());
      assertEquals(model.sha256(), e.provenance().modelSha256());
    }
  }

  @Test
  void explainsChosenTargetsInTheOrderAsked() {
    try (Model model = Model.load(TestModels.model("multilabel14"))) {
      List<Explanation> es = Cam.of(model).explain(TestImages.noise(224, 224), Targets.labels(List.of("class 3", "11")));
      assertEquals(List.of(3, 11), es.stream().map(e -> e.target().index()).toList());
      assertEquals(14, Cam.of(model).explain(TestImages.noise(224, 224), Targets.all()).size());
    }
  }

  @Test
  void volumeModelGivesOneMapPerSlice() {
    try (Model model = Model.load(TestModels.model("mrnet"))) {
      List<Image> slices = new ArrayList<>();
      for (int s = 0; s < 4; s++) {
        slices.add(TestImages.grey(256, 256, s));
      }
      List<Explanation> es = Cam.of(model).explain(new Volume("exam.npy", slices), Targets.all());
      assertEquals(2, es.size());
      assertEquals(4, es.get(0).slices());
      assertEquals(256, es.get(0).heatmap(3).dim(1));
    }
  }

  @Test
  void headWithHiddenDenseLayerGetsAClearMessage() {
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      LumenException e = assertThrows(LumenException.class, () -> Cam.of(model));
      assertTrue(e.getMessage().contains("CAM needs a head of global average pooling followed by a linear layer"), e.getMessage());
      assertTrue(e.getMessage().contains("Grad-CAM"), e.getMessage());
    }
  }
}
