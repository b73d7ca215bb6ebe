package dev.lumen.core.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.autodiff.Composite;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** LRP as a method: every composite on every architecture Lumen runs, exams and 3D CNNs included. */
class LrpTest {

  /** Finite, not all zero, and one value per input element. */
  private static void assertRelevance(Explanation e, String what) {
    Tensor relevance = e.attribution().orElseThrow();
    boolean some = false;
    for (float v : relevance.unsafeData()) {
      assertTrue(Float.isFinite(v), what + ": relevance " + v);
      some |= v != 0;
    }
    assertTrue(some, what + ": all relevance is zero");
  }

  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "densenet121", "mobilenet_v2", "alexnet", "squeezenet1_1",
      "keras_style", "dense_head", "multilabel14"})
  void everyCompositeOnEveryImageArchitecture(String name) {
    try (Model model = Model.load(TestModels.model(name))) {
      for (Composite.Kind kind : Composite.Kind.values()) {
        Explanation e = Lrp.of(model, kind, Lrp.Settings.defaults()).explain(TestImages.grey(96, 80, 3));
        assertRelevance(e, name + " " + kind);
      }
    }
  }

  @Test
  void mrnetExamsGetOneMapPerSlice() {
    try (Model model = Model.load(TestModels.model("mrnet"))) {
      Volume exam = new Volume("exam.npy", List.of(TestImages.grey(256, 256, 1), TestImages.grey(256, 256, 2),
          TestImages.grey(256, 256, 3)));
      Explanation e = Lrp.of(model, Composite.Kind.EPSILON_GAMMA_BOX, Lrp.Settings.defaults())
          .explain(exam, Targets.top1()).get(0);
      assertEquals(3, e.slices());
      assertRelevance(e, "mrnet");
    }
  }

  @Test
  void threeDimensionalCnnsGetVolumeMaps(@TempDir Path tmp) throws IOException {
    for (String name : List.of("cnn3d", "r3d_18")) {
      try (Model model = TestModels.volumetric(name, tmp)) {
        Volume volume = TestModels.exam(name);
        Explanation e = Lrp.of(model, Composite.Kind.EPSILON_PLUS_FLAT, Lrp.Settings.defaults())
            .explain(volume, Targets.top1()).get(0);
        assertEquals(volume.depth(), e.slices(), name);
        assertRelevance(e, name);
      }
    }
  }

  @Test
  void rulesMustNameALinearLayer() {
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lrp.of(model,
          Composite.Kind.EPSILON, new Lrp.Settings(1e-6f, 0.25f, Map.of("no-such-layer", "gamma"))));
      assertTrue(e.getMessage().contains("no-such-layer"), e.getMessage());
      IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Lrp.of(model,
          Composite.Kind.EPSILON, new Lrp.Settings(1e-6f, 0.25f, Map.of("conv", "omega"))));
      assertTrue(unknown.getMessage().contains("omega"), unknown.getMessage());
    }
  }
}
