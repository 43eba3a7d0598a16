using System;

namespace AutoDiffGen;

/// <summary>
/// Registers a hand-written pullback for a method that is not [Differentiable] (a primitive kernel, or a method
/// you cannot change), so that [Differentiable] code may call it. Put the pullback in the primitive's own type or in
/// the type of the [Differentiable] methods that call it.
/// </summary>
/// <remarks>
/// For a primitive <c>static R M(P1 p1, ..., Pn pn)</c> the pullback is <c>static void Name(P1 p1, ..., Pn pn, R seed, adjoints...)</c>:
/// one adjoint per differentiable parameter in order (<c>ref double</c> for a scalar, <c>Span&lt;double&gt;</c> for an
/// array or span, likewise for float, and <c>Tensor?</c> for a tensor), into which it must ADD <c>seed</c> × ∂M/∂p. A
/// primitive that returns a tensor receives a tensor seed of its result's shape. A null tensor adjoint means that no
/// caller needs that derivative: skip its work (this is how a network's loss avoids the gradient of its input images).
/// <code>
/// public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
///
/// [DerivativeOf(typeof(MyMath), nameof(Softplus))]
/// public static void SoftplusPullback(double x, double seed, ref double dX) => dX += seed / (1 + Math.Exp(-x));
///
/// // A tensor primitive: C = A·B, so dA += seed·Bᵀ and dB += Aᵀ·seed.
/// [DerivativeOf(typeof(TensorOps), nameof(TensorOps.MatMul))]
/// public static void MatMulPullback(Tensor a, Tensor b, Tensor seed, Tensor? dA, Tensor? dB) { ... }
/// </code>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class DerivativeOfAttribute : Attribute
{
    /// <summary>Registers the attributed method as the pullback of <paramref name="type"/>.<paramref name="methodName"/>.</summary>
    /// <param name="type">The type that declares the primitive.</param>
    /// <param name="methodName">The primitive's name; use <c>nameof</c>.</param>
    public DerivativeOfAttribute(Type type, string methodName)
    {
        Type = type;
        MethodName = methodName;
    }

    /// <summary>The type that declares the primitive.</summary>
    public Type Type { get; }

    /// <summary>The primitive's name.</summary>
    public string MethodName { get; }
}
