package dev.lumen.core.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.explain.cam.Cam;
import dev.lumen.core.explain.gradient.CamFormula;
import dev.lumen.core.explain.gradient.GradientCam;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleTest {

  /** The mean of the members' probabilities, and per target the mean of their normalised maps. */
  @Test
  void meanOfPredictionsAndOfNormalisedMaps() {
    try (Model a = Model.load(TestModels.model("resnet18")); Model b = Model.load(TestModels.model("mobilenet_v2"))) {
      Image image = TestImages.noise(260, 230);
      Ensemble ensemble = Ensemble.of(List.of(a, b), Cam::of);
      List<Explanation> es = ensemble.explain(image, Targets.top(2));
      Prediction pa = a.predict(image);
      Prediction pb = b.predict(image);
      for (int c = 0; c < 1000; c += 111) {
        assertEquals((pa.score(c).probability() + pb.score(c).probability()) / 2,
            es.get(0).prediction().score(c).probability(), 1e-6);
      }
      assertEquals(es.get(0).prediction().top(2), es.stream().map(Explanation::target).toList(),
          "targets chosen from the mean prediction");
      for (Explanation e : es) {
        Targets one = Targets.labels(List.of(Integer.toString(e.target().index())));
        Tensor ma = Cam.of(a).explain(image, one).get(0).heatmap();
        Tensor mb = Cam.of(b).explain(image, one).get(0).heatmap();
        float[] mean = new float[ma.size()];
        for (int i = 0; i < mean.length; i++) {
          mean[i] = (ma.get(i) + mb.get(i)) / 2;
        }
        TestModels.assertClose(Tensor.of(mean, ma.shape()), e.heatmap(), 1e-6, "mean map of " + e.target().label());
        assertTrue(e.provenance().model().contains("resnet18.onnx") && e.provenance().model().contains("mobilenet_v2.onnx"));
      }
    }
  }

  @Test
  void membersMustShareTheirLabelsAndVolumesWork() {
    try (Model a = Model.load(TestModels.model("resnet18")); Model b = Model.load(TestModels.model("multilabel14"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ensemble.of(List.of(a, b), Cam::of));
      assertTrue(e.getMessage().contains("share their labels"), e.getMessage());
    }
    try (Model a = Model.load(TestModels.model("mrnet")); Model b = Model.load(TestModels.model("mrnet_opset11"))) {
      Volume exam = new Volume("exam.npy", List.of(TestImages.grey(256, 256, 1), TestImages.grey(256, 256, 2),
          TestImages.grey(256, 256, 3)));
      List<Explanation> es = Ensemble.of(List.of(a, b), m -> GradientCam.of(m, CamFormula.GRADCAM))
          .explain(exam, Targets.all());
      assertEquals(2, es.size());
      assertEquals(3, es.get(0).slices());
      assertEquals(256, es.get(0).heatmap().dim(2));
    }
  }
}
