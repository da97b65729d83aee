#version 330 core
// Anti-aliased disc with an optional outline ring.
in vec4 v_color;
uniform float u_size;
uniform vec4 u_outline;
out vec4 fragColor;
void main()
{
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    float r = length(p);
    float aa = 2.0 / max(u_size, 1.0);
    float alpha = 1.0 - smoothstep(1.0 - aa, 1.0, r);
    if (alpha <= 0.0)
        discard;
    vec4 c = v_color;
    if (u_outline.a > 0.0 && r > 1.0 - 3.0 / max(u_size, 1.0))
        c = u_outline;
    fragColor = vec4(c.rgb, c.a * alpha);
}
