using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. IDs are ADG followed by four digits and are never reused
/// (Roslyn reports analyzer crashes as AD0001, hence the distinct prefix). Keep AnalyzerReleases.Unshipped.md in step.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "AutoDiffGen";

    /// <summary>ADG0001. Format: <c>"'{0}' must be static to be [Differentiable]"</c>.</summary>
    public static readonly DiagnosticDescriptor MethodMustBeStatic = Error(
        "ADG0001", "Differentiable method must be static",
        "'{0}' must be static to be [Differentiable]; make it static and pass what it reads as parameters");

    /// <summary>ADG0002. Format: <c>"'{0}' is declared in '{1}', which is not partial..."</c>.</summary>
    public static readonly DiagnosticDescriptor TypeMustBePartial = Error(
        "ADG0002", "Containing type must be partial",
        "'{0}' is declared in '{1}', which is not partial; add the partial modifier to '{1}' so that the generator can add {0}Gradient and {0}Pullback to it");

    /// <summary>ADG0003. Format: <c>"'{0}' returns '{1}'..."</c>.</summary>
    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        "ADG0003", "Differentiable method must return double or float",
        "'{0}' returns '{1}'; a [Differentiable] method must return double or float");

    /// <summary>ADG0004. Format: <c>"'{0}' is generic..."</c>.</summary>
    public static readonly DiagnosticDescriptor GenericMethod = Error(
        "ADG0004", "Differentiable method cannot be generic",
        "'{0}' has type parameters; a [Differentiable] method cannot be generic: write it for double or float");

    /// <summary>ADG0005. Format: <c>"Parameter '{0}' of '{1}' is declared '{2}'..."</c>.</summary>
    public static readonly DiagnosticDescriptor UnsupportedParameter = Error(
        "ADG0005", "Unsupported parameter",
        "Parameter '{0}' of '{1}' has type '{2}'{3}; a [Differentiable] method takes double, float, their arrays and read-only spans, and other value types (as constants), all passed by value");

    /// <summary>ADG0006. Format: <c>"'{0}' has no body..."</c>.</summary>
    public static readonly DiagnosticDescriptor MissingBody = Error(
        "ADG0006", "Differentiable method has no body",
        "'{0}' has no body to differentiate; give it a block or expression body");

    /// <summary>ADG0007. Format: <c>"'{0}' already has a member named '{1}'..."</c>.</summary>
    public static readonly DiagnosticDescriptor GeneratedNameTaken = Error(
        "ADG0007", "Generated member name is taken",
        "'{0}' already has a member named '{1}', which the generator needs for the gradient of '{2}'; rename that member");

    /// <summary>ADG0010. Format: <c>"{0} is not supported in a [Differentiable] method; {1}"</c>.</summary>
    public static readonly DiagnosticDescriptor UnsupportedStatement = Error(
        "ADG0010", "Statement not supported in a differentiable method",
        "{0} is not supported in a [Differentiable] method; {1}");

    /// <summary>ADG0011. Format: <c>"The expression '{0}' cannot be differentiated: {1}"</c>.</summary>
    public static readonly DiagnosticDescriptor UnsupportedExpression = Error(
        "ADG0011", "Expression not supported in a differentiable method",
        "The expression '{0}' cannot be differentiated: {1}");

    /// <summary>ADG0012. Format: <c>"'{0}' is neither [Differentiable] nor has a known derivative..."</c>.</summary>
    public static readonly DiagnosticDescriptor NonDifferentiableCall = Error(
        "ADG0012", "Call to a method without a derivative",
        "'{0}' is neither [Differentiable] nor has a known derivative; mark it [Differentiable] (it must be static), or compute the value outside and pass it as a [NoDerivative] parameter");

    /// <summary>ADG0013. Format: <c>"'{0}' calls itself..."</c>.</summary>
    public static readonly DiagnosticDescriptor Recursion = Error(
        "ADG0013", "Recursive differentiable method",
        "'{0}' calls itself; recursion is not supported in a [Differentiable] method: rewrite it as a loop");

    /// <summary>ADG0014. Format: <c>"'{0}' assigns '{1}'..."</c>.</summary>
    public static readonly DiagnosticDescriptor AssignmentToNonLocal = Error(
        "ADG0014", "Assignment to something other than a local",
        "'{0}' assigns '{1}', which is {2}; a [Differentiable] method may assign only its locals, its scalar parameters and elements of its local arrays: copy the data into a local array first");

    /// <summary>ADG0015. Format: <c>"'{0}' is [Differentiable], but '{1}' has no '{2}'..."</c>.</summary>
    public static readonly DiagnosticDescriptor MissingPullback = Error(
        "ADG0015", "Differentiable callee has no pullback",
        "'{0}' is [Differentiable], but its type '{1}' has no generated '{2}'; build the assembly that defines it with the AutoDiffGen generator");

    /// <summary>ADG0016. Format: <c>"Argument '{0}' for parameter '{1}' of '{2}'..."</c>.</summary>
    public static readonly DiagnosticDescriptor UnsupportedArgument = Error(
        "ADG0016", "Sequence argument must be a variable",
        "The argument '{0}' for parameter '{1}' of '{2}' must be an array or span variable, so that its adjoint can be passed along; store it in a local first");

    /// <summary>ADG0017. Format: <c>"'{0}' is registered as the pullback of '{1}' but ..."</c>.</summary>
    public static readonly DiagnosticDescriptor PullbackSignatureMismatch = Error(
        "ADG0017", "Custom pullback has the wrong signature",
        "'{0}' is registered as the pullback of '{1}' but its signature is ({2}); expected static void ({3}): the primal parameters, the seed, then one adjoint per differentiable parameter");

    /// <summary>ADG0018. Format: <c>"'{0}' is [Differentiable] but has errors of its own..."</c>.</summary>
    public static readonly DiagnosticDescriptor CalleeNotDifferentiable = Error(
        "ADG0018", "Differentiable callee has errors",
        "'{0}' is [Differentiable] but cannot be differentiated itself (see its own diagnostics), so '{1}' cannot use its pullback; fix '{0}' first");

    /// <summary>ADG0020. Format: <c>"The result of '{0}' does not depend on any differentiable parameter..."</c>.</summary>
    public static readonly DiagnosticDescriptor ResultIsConstant = new(
        id: "ADG0020",
        title: "Result does not depend on a differentiable parameter",
        messageFormat: "The result of '{0}' does not depend on any differentiable parameter, so its gradient is always zero",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>ADG0099. Format: <c>"AutoDiffGen could not process '{0}': {1}..."</c>.</summary>
    public static readonly DiagnosticDescriptor InternalError = Error(
        "ADG0099", "Internal generator error",
        "AutoDiffGen could not process '{0}' ({1}); no gradient was generated for it. Please report this with the method's source.");

    private static DiagnosticDescriptor Error(string id, string title, string messageFormat) => new(
        id: id,
        title: title,
        messageFormat: messageFormat,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
