using System;

namespace AutoDiffGen;

/// <summary>
/// Marks a static method whose reverse-mode derivative the AutoDiffGen generator writes at compile time.
/// For <c>static R F(P1 p1, ..., Pn pn)</c> in a partial class it adds <c>FGradient</c> (value and gradient)
/// and <c>FPullback</c> (adds <c>seed</c> × ∂F/∂p into caller-owned adjoints).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DifferentiableAttribute : Attribute
{
}
