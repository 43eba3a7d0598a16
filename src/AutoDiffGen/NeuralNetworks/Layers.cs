using AutoDiffGen.Tensors;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>Layers as [Differentiable] functions of their inputs and weights; their pullbacks are generated.</summary>
public static partial class Layers
{
    /// <summary>A fully connected layer: <c>x · w + b</c> for a batch <paramref name="x"/> of [batch, inputs].</summary>
    /// <param name="x">The inputs, one example per row: [batch, inputs].</param>
    /// <param name="w">The kernel, [inputs, units].</param>
    /// <param name="b">The bias, a vector of units.</param>
    [Differentiable]
    public static Tensor Dense(Tensor x, Tensor w, Tensor b) => TensorOps.AddBias(TensorOps.MatMul(x, w), b);

    /// <summary>A fully connected layer with a ReLU: <c>max(x · w + b, 0)</c>, the bias and the ReLU in one pass.</summary>
    /// <param name="x">The inputs, one example per row: [batch, inputs].</param>
    /// <param name="w">The kernel, [inputs, units].</param>
    /// <param name="b">The bias, a vector of units.</param>
    [Differentiable]
    public static Tensor DenseRelu(Tensor x, Tensor w, Tensor b) => TensorOps.AddBiasRelu(TensorOps.MatMul(x, w), b);
}
