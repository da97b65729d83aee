#version 330 core
// The density layer: each 4×4-pixel bin in the colour of its most frequent word (the same
// colour map as the points and the legend), more opaque where more words fall.
in vec2 v_uv;
uniform sampler2D u_density;
out vec4 fragColor;
void main()
{
    vec4 bin = texture(u_density, vec2(v_uv.x, 1.0 - v_uv.y));
    if (bin.a <= 0.0)
        discard;
    fragColor = vec4(bin.rgb, 0.25 + 0.6 * bin.a);
}
