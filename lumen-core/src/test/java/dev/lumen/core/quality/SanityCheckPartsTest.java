package dev.lumen.core.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.lumen.core.TestModels;
import dev.lumen.core.onnx.Node;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorProtos;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parts of the sanity check: map similarities computed by hand, and the randomisation of
 * AlexNet's learned layers — its eight convolutions and dense layers found in order, only the named
 * ones re-drawn, at their own scale, the same for the same seed.
 */
class SanityCheckPartsTest {
  @Test
  void similaritiesByHand() {
    float[] a = {1, 2, 3, 4, 5};
    assertEquals(1, MapSimilarity.spearman(a, new float[] {10, 20, 30, 40, 50}), 1e-12);
    assertEquals(-1, MapSimilarity.spearman(a, new float[] {5, 4, 3, 2, 1}), 1e-12);
    // ranks of {1, 1, 2} are {1.5, 1.5, 3}: against {1, 2, 3} the correlation is sqrt(3)/2
    assertEquals(Math.sqrt(3) / 2, MapSimilarity.spearman(new float[] {1, 1, 2}, new float[] {1, 2, 3}), 1e-12);
    assertEquals(1, MapSimilarity.spearmanOfAbsolute(new float[] {-3, 1, 2}, new float[] {3, 1, 2}), 1e-12);
    assertEquals(0, MapSimilarity.spearman(new float[] {1, 1, 1}, new float[] {1, 2, 3}));
    Random r = new Random(1);
    float[] map = new float[16 * 16];
    for (int i = 0; i < map.length; i++) {
      map[i] = r.nextFloat();
    }
    assertEquals(1, MapSimilarity.ssim(map, map.clone(), 16), 1e-12);
    float[] other = new float[map.length];
    for (int i = 0; i < other.length; i++) {
      other[i] = r.nextFloat();
    }
    assertTrue(MapSimilarity.ssim(map, other, 16) < 0.2, "independent noise is not alike");
  }

  @Test
  void theLearnedLayersAreRedrawnAtTheirScale() {
    OnnxGraph graph = OnnxGraph.read(TestModels.model("alexnet"));
    List<Node> layers = ParameterRandomisation.layers(graph);
    assertEquals(List.of("Conv", "Conv", "Conv", "Conv", "Conv", "Gemm", "Gemm", "Gemm"),
        layers.stream().map(Node::opType).toList());
    List<Node> top = layers.subList(6, 8);
    OnnxGraph randomised = ParameterRandomisation.randomised(graph, top, 5);
    for (Node layer : layers) {
      String weights = layer.inputs().get(1);
      float[] before = TensorProtos.toTensor(graph.constant(weights).orElseThrow()).toArray();
      float[] after = TensorProtos.toTensor(randomised.constant(weights).orElseThrow()).toArray();
      if (top.contains(layer)) {
        assertNotEquals(before[0], after[0], layer.name() + " is re-drawn");
        assertEquals(std(before), std(after), 0.05 * std(before), layer.name() + " keeps its scale");
      } else {
        assertArrayEquals(before, after, layer.name() + " stays");
      }
    }
    TensorProto again = ParameterRandomisation.randomised(graph, top, 5).constant(top.get(0).inputs().get(1))
        .orElseThrow();
    assertEquals(randomised.constant(top.get(0).inputs().get(1)).orElseThrow(), again, "the seed decides");
  }

  private static double std(float[] v) {
    double mean = 0;
    for (float x : v) {
      mean += x;
    }
    mean /= v.length;
    double s = 0;
    for (float x : v) {
      s += (x - mean) * (x - mean);
    }
    return Math.sqrt(s / v.length);
  }
}
