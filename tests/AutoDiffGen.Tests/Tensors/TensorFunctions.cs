using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.Tests.Tensors;

/// <summary>Tensor-valued [Differentiable] functions written as a user would.</summary>
public static partial class TensorFunctions
{
    /// <summary>A two-layer classifier's loss, written as one [Differentiable] method of its weights.</summary>
    [Differentiable]
    public static float TwoLayerLoss(Tensor w1, Tensor b1, Tensor w2, Tensor b2, [NoDerivative] Tensor x, [NoDerivative] int[] labels)
    {
        Tensor hidden = Activations.Relu(Layers.Dense(x, w1, b1));
        Tensor logits = Layers.Dense(hidden, w2, b2);
        return Losses.SoftmaxCrossEntropy(logits, labels);
    }

    /// <summary>A linear classifier's loss with a parameter it never uses, whose gradient is therefore zero.</summary>
    [Differentiable]
    public static float LossIgnoringUnused(Tensor w, Tensor unused, [NoDerivative] Tensor x, [NoDerivative] int[] labels) =>
        Losses.SoftmaxCrossEntropy(TensorOps.MatMul(x, w), labels);
}
