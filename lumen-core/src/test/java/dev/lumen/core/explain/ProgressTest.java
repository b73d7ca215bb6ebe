package dev.lumen.core.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.explain.gradient.IntegratedGradients;
import dev.lumen.core.explain.perturb.Occlusion;
import dev.lumen.core.explain.perturb.Rise;
import dev.lumen.core.image.Image;
import dev.lumen.core.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Long explanations report their progress and stop when asked. */
class ProgressTest {

  @Test
  void longMethodsReportUpToTheirTotal() {
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      Image image = TestImages.noise(32, 32);
      List<Explainer> methods = List.of(
          Rise.of(model, new Rise.Settings(40, 4, 0.5, 1)),
          Occlusion.of(model, new Occlusion.Settings(4, 4, dev.lumen.core.explain.perturb.Fill.ZERO)),
          IntegratedGradients.of(model, new IntegratedGradients.Settings(6, IntegratedGradients.Rule.GAUSS_LEGENDRE)));
      for (Explainer method : methods) {
        List<long[]> updates = new ArrayList<>();
        List<String> stages = new ArrayList<>();
        method.explain(List.of(image), Targets.top1(), (stage, done, total) -> {
          updates.add(new long[] {done, total});
          stages.add(stage);
        });
        assertTrue(updates.size() >= 2, method.method() + " reported " + updates.size() + " times");
        long[] last = updates.get(updates.size() - 1);
        assertEquals(last[1], last[0], method.method() + " ends at its total");
        assertTrue(stages.stream().anyMatch(s -> !s.equals("images")), method.method() + " names its work: " + stages);
      }
    }
  }

  @Test
  void aCancelledExplanationStopsBetweenBatches() {
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      AtomicBoolean stop = new AtomicBoolean();
      int[] updates = {0};
      Progress progress = Progress.cancellable(stop::get, (stage, done, total) -> {
        updates[0]++;
        stop.set(true);
      });
      Explainer rise = Rise.of(model, new Rise.Settings(400, 4, 0.5, 1));
      ExplanationCancelledException e = assertThrows(ExplanationCancelledException.class,
          () -> rise.explain(List.of(TestImages.noise(32, 32)), Targets.top1(), progress));
      assertEquals(1, updates[0], "stopped at the first check");
      assertTrue(e.getMessage().contains("of 400"), e.getMessage());
    }
  }
}
