using AutoDiffGen;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;

namespace TransformsSample;

/// <summary>
/// Two Dense layers, with and without a ReLU between them. AutoDiffGen adds <c>LinearPullback</c> and
/// <c>WithReluPullback</c> to this class at compile time; the sample reads the networks' slopes from them.
/// </summary>
public static partial class TwoLayerNetwork
{
    /// <summary>Dense(Dense(x, w1, b1), w2, b2): two layers and no activation function.</summary>
    /// <param name="x">The inputs, one example per row: [batch, inputs].</param>
    /// <param name="w1">The first kernel, [inputs, hidden].</param>
    /// <param name="b1">The first bias, a vector of hidden.</param>
    /// <param name="w2">The second kernel, [hidden, outputs].</param>
    /// <param name="b2">The second bias, a vector of outputs.</param>
    [Differentiable]
    public static Tensor Linear(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2)
    {
        Tensor hidden = Layers.Dense(x, w1, b1);
        return Layers.Dense(hidden, w2, b2);
    }

    /// <summary>Dense(Relu(Dense(x, w1, b1)), w2, b2): the same layers with a ReLU between them.</summary>
    /// <param name="x">The inputs, one example per row: [batch, inputs].</param>
    /// <param name="w1">The first kernel, [inputs, hidden].</param>
    /// <param name="b1">The first bias, a vector of hidden.</param>
    /// <param name="w2">The second kernel, [hidden, outputs].</param>
    /// <param name="b2">The second bias, a vector of outputs.</param>
    [Differentiable]
    public static Tensor WithRelu(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2)
    {
        Tensor hidden = Activations.Relu(Layers.Dense(x, w1, b1));
        return Layers.Dense(hidden, w2, b2);
    }
}
