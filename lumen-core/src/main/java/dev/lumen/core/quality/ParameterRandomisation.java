package dev.lumen.core.quality;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.lumen.core.onnx.Node;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorProtos;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The model-parameter randomisation of Adebayo et al.'s sanity checks ("Sanity checks for
 * saliency maps", NeurIPS 2018): the learned layers of an ONNX graph (convolutions and dense
 * layers whose weights are initializers), and the graph with some of them re-drawn — each weight
 * and bias tensor replaced by seeded Gaussian values with the original tensor's standard
 * deviation (its scale), so activations keep their size while what was learned is gone.
 */
public final class ParameterRandomisation {
  private ParameterRandomisation() {}

  /** The learned layers, input side first: {@code Conv}, {@code ConvTranspose}, {@code Gemm} and {@code MatMul} nodes with constant weights. */
  public static List<Node> layers(OnnxGraph graph) {
    List<Node> out = new ArrayList<>();
    for (Node n : graph.nodes()) {
      boolean learned = switch (n.opType()) {
        case "Conv", "ConvTranspose", "Gemm", "MatMul" -> n.inputs().size() > 1
            && graph.constant(n.inputs().get(1)).isPresent();
        default -> false;
      };
      if (learned) {
        out.add(n);
      }
    }
    return out;
  }

  /** {@code graph} with the weights and biases of {@code layers} re-drawn from {@code seed}. */
  public static OnnxGraph randomised(OnnxGraph graph, List<Node> layers, long seed) {
    Map<String, TensorProto> replaced = new LinkedHashMap<>();
    for (Node layer : layers) {
      for (int i = 1; i < layer.inputs().size(); i++) {
        String name = layer.inputs().get(i);
        graph.constant(name).ifPresent(t -> replaced.put(name, redrawn(t, seed ^ name.hashCode())));
      }
    }
    return graph.withInitializers(replaced);
  }

  private static TensorProto redrawn(TensorProto original, long seed) {
    if (original.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new IllegalArgumentException("the sanity checks re-draw float32 weights; " + original.getName() + " is "
          + TensorProto.DataType.forNumber(original.getDataType()));
    }
    Tensor values = TensorProtos.toTensor(original);
    float[] v = values.unsafeData();
    double mean = 0;
    for (float x : v) {
      mean += x;
    }
    mean /= Math.max(1, v.length);
    double variance = 0;
    for (float x : v) {
      variance += (x - mean) * (x - mean);
    }
    double std = Math.sqrt(variance / Math.max(1, v.length));
    if (std == 0) {
      std = Math.abs(mean);   // a constant tensor (a bias at zero, say) keeps its size
    }
    Random random = new Random(seed);
    TensorProto.Builder out = TensorProto.newBuilder().setName(original.getName())
        .setDataType(TensorProto.DataType.FLOAT_VALUE).addAllDims(original.getDimsList());
    for (int i = 0; i < v.length; i++) {
      out.addFloatData((float) (random.nextGaussian() * std));
    }
    return out.build();
  }
}
