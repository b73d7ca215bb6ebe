package dev.lumen.core.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lumen.core.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionsTest {

  @Test
  void componentsGiveBoxesMostConfidentFirst() {
    float[] map = {
        0.9f, 0.8f, 0f, 0f, 0f,
        0f, 0.7f, 0f, 0f, 0.6f,
        0f, 0f, 0f, 0.5f, 0.6f,
        0f, 0f, 0f, 0f, 0.2f};
    List<Regions.Box> boxes = Regions.of(Tensor.of(map, 4, 5), 0.5f);
    assertEquals(List.of(new Regions.Box(0, 0, 2, 2, 0.9f, 3), new Regions.Box(3, 1, 5, 3, 0.6f, 3)), boxes);
  }

  @Test
  void diagonalNeighboursJoinOneRegion() {
    float[] map = {1f, 0f, 0f, 1f};
    assertEquals(List.of(new Regions.Box(0, 0, 2, 2, 1f, 2)), Regions.of(Tensor.of(map, 2, 2), 0.5f));
    assertEquals(List.of(), Regions.of(Tensor.of(map, 2, 2), 1.5f));
  }
}
