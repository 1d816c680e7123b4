/*
 * Runs a sequence of SPIR-V compute dispatches on a Vulkan device (in the tests: Mesa's
 * lavapipe, a Vulkan implementation on the CPU) and dumps buffers afterwards, so that the
 * package's HLSL kernels, compiled by glslang, can be executed where no GPU exists.
 * tests/test_unity_splat_sort_gpu.py writes the plan and reads the dumps.
 *
 *   compute_host PLAN
 *
 * The plan, one directive a line:
 *   buffer NAME BYTES [FILE]            a buffer, zero-filled or read from FILE
 *   dispatch FILE.spv ENTRY GROUPS_X    a dispatch; the lines up to "end" describe it:
 *     uniform BINDING HEX               a uniform buffer holding these bytes
 *     storage BINDING NAME              a storage buffer
 *     texel BINDING NAME                a storage texel buffer of R32_UINT
 *   end
 *   dump NAME FILE                      after every dispatch has run
 * Dispatches run in order, each behind a full memory barrier. Exit status 0 on success, 1 on a
 * bad plan or a Vulkan error, 3 when no Vulkan device is available.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

#define MAX_BUFFERS 64
#define MAX_DISPATCHES 256
#define MAX_BINDINGS 16

typedef struct {
    char name[64];
    VkDeviceSize size;
    VkBuffer buffer;
    VkDeviceMemory memory;
    void *mapped;
    VkBufferView view;
} Buffer;

typedef struct {
    uint32_t binding;
    VkDescriptorType type;
    int buffer; /* index into buffers */
} Binding;

typedef struct {
    char spirv[512];
    char entry[128];
    uint32_t groups;
    Binding bindings[MAX_BINDINGS];
    int binding_count;
    VkPipeline pipeline;
    VkPipelineLayout layout;
    VkDescriptorSetLayout set_layout;
    VkDescriptorSet set;
    VkShaderModule module;
} Dispatch;

static VkDevice device;
static VkPhysicalDevice physical;
static Buffer buffers[MAX_BUFFERS];
static int buffer_count;
static Dispatch dispatches[MAX_DISPATCHES];
static int dispatch_count;

static void fail(const char *what, VkResult result) {
    fprintf(stderr, "compute_host: %s (VkResult %d)\n", what, (int)result);
    exit(1);
}

#define CHECK(call, what)                 \
    do {                                  \
        VkResult r_ = (call);             \
        if (r_ != VK_SUCCESS) fail(what, r_); \
    } while (0)

static uint32_t memory_type(uint32_t bits, VkMemoryPropertyFlags wanted) {
    VkPhysicalDeviceMemoryProperties properties;
    vkGetPhysicalDeviceMemoryProperties(physical, &properties);
    for (uint32_t i = 0; i < properties.memoryTypeCount; i++) {
        if ((bits & (1u << i)) && (properties.memoryTypes[i].propertyFlags & wanted) == wanted) return i;
    }
    fail("no host-visible coherent memory", VK_ERROR_UNKNOWN);
    return 0;
}

static int add_buffer(const char *name, VkDeviceSize size) {
    if (buffer_count == MAX_BUFFERS) fail("too many buffers", VK_ERROR_UNKNOWN);
    Buffer *b = &buffers[buffer_count];
    snprintf(b->name, sizeof b->name, "%s", name);
    b->size = size < 16 ? 16 : size;
    VkBufferCreateInfo info = {VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = b->size;
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT |
                 VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT | VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    CHECK(vkCreateBuffer(device, &info, NULL, &b->buffer), "vkCreateBuffer");
    VkMemoryRequirements needs;
    vkGetBufferMemoryRequirements(device, b->buffer, &needs);
    VkMemoryAllocateInfo allocate = {VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    allocate.allocationSize = needs.size;
    allocate.memoryTypeIndex = memory_type(needs.memoryTypeBits,
                                           VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    CHECK(vkAllocateMemory(device, &allocate, NULL, &b->memory), "vkAllocateMemory");
    CHECK(vkBindBufferMemory(device, b->buffer, b->memory, 0), "vkBindBufferMemory");
    CHECK(vkMapMemory(device, b->memory, 0, VK_WHOLE_SIZE, 0, &b->mapped), "vkMapMemory");
    memset(b->mapped, 0, b->size);
    return buffer_count++;
}

static int find_buffer(const char *name) {
    for (int i = 0; i < buffer_count; i++) {
        if (strcmp(buffers[i].name, name) == 0) return i;
    }
    fprintf(stderr, "compute_host: no buffer named %s\n", name);
    exit(1);
}

static void read_file_into(const char *path, void *into, size_t limit) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "compute_host: cannot read %s\n", path);
        exit(1);
    }
    size_t n = fread(into, 1, limit, f);
    (void)n;
    fclose(f);
}

static void *read_whole(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "compute_host: cannot read %s\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long length = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc((size_t)length);
    if (fread(data, 1, (size_t)length, f) != (size_t)length) {
        fprintf(stderr, "compute_host: short read of %s\n", path);
        exit(1);
    }
    fclose(f);
    *size = (size_t)length;
    return data;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static void build(Dispatch *d) {
    size_t size;
    void *code = read_whole(d->spirv, &size);
    VkShaderModuleCreateInfo module = {VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    module.codeSize = size;
    module.pCode = code;
    CHECK(vkCreateShaderModule(device, &module, NULL, &d->module), "vkCreateShaderModule");
    free(code);

    VkDescriptorSetLayoutBinding layout_bindings[MAX_BINDINGS];
    VkDescriptorPoolSize sizes[MAX_BINDINGS];
    for (int i = 0; i < d->binding_count; i++) {
        VkDescriptorSetLayoutBinding b = {0};
        b.binding = d->bindings[i].binding;
        b.descriptorType = d->bindings[i].type;
        b.descriptorCount = 1;
        b.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
        layout_bindings[i] = b;
        sizes[i].type = d->bindings[i].type;
        sizes[i].descriptorCount = 1;
    }
    VkDescriptorSetLayoutCreateInfo set_info = {VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    set_info.bindingCount = (uint32_t)d->binding_count;
    set_info.pBindings = layout_bindings;
    CHECK(vkCreateDescriptorSetLayout(device, &set_info, NULL, &d->set_layout), "vkCreateDescriptorSetLayout");
    VkPipelineLayoutCreateInfo layout_info = {VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layout_info.setLayoutCount = 1;
    layout_info.pSetLayouts = &d->set_layout;
    CHECK(vkCreatePipelineLayout(device, &layout_info, NULL, &d->layout), "vkCreatePipelineLayout");
    VkComputePipelineCreateInfo pipeline = {VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    pipeline.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    pipeline.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pipeline.stage.module = d->module;
    pipeline.stage.pName = d->entry;
    pipeline.layout = d->layout;
    CHECK(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &pipeline, NULL, &d->pipeline), "vkCreateComputePipelines");

    VkDescriptorPoolCreateInfo pool_info = {VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pool_info.maxSets = 1;
    pool_info.poolSizeCount = (uint32_t)d->binding_count;
    pool_info.pPoolSizes = sizes;
    VkDescriptorPool pool;
    CHECK(vkCreateDescriptorPool(device, &pool_info, NULL, &pool), "vkCreateDescriptorPool");
    VkDescriptorSetAllocateInfo allocate = {VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    allocate.descriptorPool = pool;
    allocate.descriptorSetCount = 1;
    allocate.pSetLayouts = &d->set_layout;
    CHECK(vkAllocateDescriptorSets(device, &allocate, &d->set), "vkAllocateDescriptorSets");

    for (int i = 0; i < d->binding_count; i++) {
        Buffer *b = &buffers[d->bindings[i].buffer];
        VkDescriptorBufferInfo info = {b->buffer, 0, VK_WHOLE_SIZE};
        VkWriteDescriptorSet write = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        write.dstSet = d->set;
        write.dstBinding = d->bindings[i].binding;
        write.descriptorCount = 1;
        write.descriptorType = d->bindings[i].type;
        if (d->bindings[i].type == VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER) {
            if (b->view == VK_NULL_HANDLE) {
                VkBufferViewCreateInfo view = {VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
                view.buffer = b->buffer;
                view.format = VK_FORMAT_R32_UINT;
                view.range = VK_WHOLE_SIZE;
                CHECK(vkCreateBufferView(device, &view, NULL, &b->view), "vkCreateBufferView");
            }
            write.pTexelBufferView = &b->view;
        } else {
            write.pBufferInfo = &info;
        }
        vkUpdateDescriptorSets(device, 1, &write, 0, NULL);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: compute_host PLAN\n");
        return 1;
    }
    VkApplicationInfo app = {VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "compute_host";
    app.apiVersion = VK_API_VERSION_1_1;
    VkInstanceCreateInfo instance_info = {VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    instance_info.pApplicationInfo = &app;
    VkInstance instance;
    if (vkCreateInstance(&instance_info, NULL, &instance) != VK_SUCCESS) {
        fprintf(stderr, "compute_host: no Vulkan instance\n");
        return 3;
    }
    uint32_t count = 1;
    VkResult enumerated = vkEnumeratePhysicalDevices(instance, &count, &physical);
    if ((enumerated != VK_SUCCESS && enumerated != VK_INCOMPLETE) || count == 0) {
        fprintf(stderr, "compute_host: no Vulkan device\n");
        return 3;
    }
    VkPhysicalDeviceProperties properties;
    vkGetPhysicalDeviceProperties(physical, &properties);
    fprintf(stderr, "compute_host: device %s\n", properties.deviceName);

    uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, NULL);
    VkQueueFamilyProperties family_properties[16];
    if (families > 16) families = 16;
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, family_properties);
    uint32_t family = UINT32_MAX;
    for (uint32_t i = 0; i < families; i++) {
        if (family_properties[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
            family = i;
            break;
        }
    }
    if (family == UINT32_MAX) {
        fprintf(stderr, "compute_host: no compute queue\n");
        return 3;
    }
    float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info = {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue_info.queueFamilyIndex = family;
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;
    VkDeviceCreateInfo device_info = {VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue_info;
    CHECK(vkCreateDevice(physical, &device_info, NULL, &device), "vkCreateDevice");
    VkQueue queue;
    vkGetDeviceQueue(device, family, 0, &queue);

    FILE *plan = fopen(argv[1], "r");
    if (!plan) {
        fprintf(stderr, "compute_host: cannot read %s\n", argv[1]);
        return 1;
    }
    static char line[1 << 16];
    char dumps[MAX_BUFFERS][2][512];
    int dump_count = 0;
    Dispatch *current = NULL;
    int uniforms = 0;
    while (fgets(line, sizeof line, plan)) {
        char word[32], a[512], b[512], c[512];
        a[0] = b[0] = c[0] = 0;
        if (sscanf(line, "%31s", word) != 1) continue;
        if (strcmp(word, "buffer") == 0) {
            unsigned long long bytes = 0;
            int n = sscanf(line, "%*s %511s %llu %511s", a, &bytes, c);
            int index = add_buffer(a, (VkDeviceSize)bytes);
            if (n == 3) read_file_into(c, buffers[index].mapped, (size_t)bytes);
        } else if (strcmp(word, "dispatch") == 0) {
            if (dispatch_count == MAX_DISPATCHES) fail("too many dispatches", VK_ERROR_UNKNOWN);
            current = &dispatches[dispatch_count++];
            memset(current, 0, sizeof *current);
            if (sscanf(line, "%*s %511s %127s %u", current->spirv, current->entry, &current->groups) != 3) {
                fail("bad dispatch line", VK_ERROR_UNKNOWN);
            }
        } else if (strcmp(word, "uniform") == 0 || strcmp(word, "storage") == 0 || strcmp(word, "texel") == 0) {
            if (!current || current->binding_count == MAX_BINDINGS) fail("binding outside a dispatch", VK_ERROR_UNKNOWN);
            Binding *binding = &current->bindings[current->binding_count++];
            if (sscanf(line, "%*s %u %511s", &binding->binding, b) != 2) fail("bad binding line", VK_ERROR_UNKNOWN);
            if (word[0] == 'u') {
                char name[64];
                snprintf(name, sizeof name, "$uniform%d", uniforms++);
                size_t length = strlen(b) / 2;
                binding->buffer = add_buffer(name, length);
                uint8_t *bytes = buffers[binding->buffer].mapped;
                for (size_t i = 0; i < length; i++) {
                    bytes[i] = (uint8_t)(hex_value(b[2 * i]) * 16 + hex_value(b[2 * i + 1]));
                }
                binding->type = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
            } else {
                binding->buffer = find_buffer(b);
                binding->type = word[0] == 's' ? VK_DESCRIPTOR_TYPE_STORAGE_BUFFER : VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER;
            }
        } else if (strcmp(word, "end") == 0) {
            current = NULL;
        } else if (strcmp(word, "dump") == 0) {
            if (sscanf(line, "%*s %511s %511s", dumps[dump_count][0], dumps[dump_count][1]) != 2) fail("bad dump line", VK_ERROR_UNKNOWN);
            dump_count++;
        } else {
            fprintf(stderr, "compute_host: unknown directive %s\n", word);
            return 1;
        }
    }
    fclose(plan);

    for (int i = 0; i < dispatch_count; i++) build(&dispatches[i]);

    VkCommandPoolCreateInfo pool_info = {VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool_info.queueFamilyIndex = family;
    VkCommandPool pool;
    CHECK(vkCreateCommandPool(device, &pool_info, NULL, &pool), "vkCreateCommandPool");
    VkCommandBufferAllocateInfo allocate = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    allocate.commandPool = pool;
    allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocate.commandBufferCount = 1;
    VkCommandBuffer commands;
    CHECK(vkAllocateCommandBuffers(device, &allocate, &commands), "vkAllocateCommandBuffers");
    VkCommandBufferBeginInfo begin = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    CHECK(vkBeginCommandBuffer(commands, &begin), "vkBeginCommandBuffer");
    for (int i = 0; i < dispatch_count; i++) {
        Dispatch *d = &dispatches[i];
        vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE, d->pipeline);
        vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE, d->layout, 0, 1, &d->set, 0, NULL);
        vkCmdDispatch(commands, d->groups, 1, 1);
        VkMemoryBarrier barrier = {VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
        barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_HOST_READ_BIT;
        vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                             VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &barrier, 0,
                             NULL, 0, NULL);
    }
    CHECK(vkEndCommandBuffer(commands), "vkEndCommandBuffer");
    VkSubmitInfo submit = {VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &commands;
    CHECK(vkQueueSubmit(queue, 1, &submit, VK_NULL_HANDLE), "vkQueueSubmit");
    CHECK(vkQueueWaitIdle(queue), "vkQueueWaitIdle");

    for (int i = 0; i < dump_count; i++) {
        Buffer *b = &buffers[find_buffer(dumps[i][0])];
        FILE *f = fopen(dumps[i][1], "wb");
        if (!f || fwrite(b->mapped, 1, b->size, f) != b->size) {
            fprintf(stderr, "compute_host: cannot write %s\n", dumps[i][1]);
            return 1;
        }
        fclose(f);
    }
    return 0;
}
